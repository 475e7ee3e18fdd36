import { loadAdapterFixtureSet, runAdapterContract } from '../contract/adapter.contract.test.js';
import { openAIAdapter } from './index.js';

runAdapterContract('openai', loadAdapterFixtureSet(openAIAdapter, new URL('./__fixtures__/contract.json', import.meta.url)));
