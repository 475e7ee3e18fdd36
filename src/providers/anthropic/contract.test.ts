import { loadAdapterFixtureSet, runAdapterContract } from '../contract/adapter.contract.test.js';
import { anthropicAdapter } from './index.js';

runAdapterContract('anthropic', loadAdapterFixtureSet(anthropicAdapter, new URL('./__fixtures__/contract.json', import.meta.url)));
