import { loadAdapterFixtureSet, runAdapterContract } from '../contract/adapter.contract.test.js';
import { geminiAdapter } from './index.js';

runAdapterContract('gemini', loadAdapterFixtureSet(geminiAdapter, new URL('./__fixtures__/contract.json', import.meta.url)));
