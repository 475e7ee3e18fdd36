/**
 * Starts a real gateway for integration tests: a temp data dir, SQLite, the in-process simulator for every
 * provider, port 0 on 127.0.0.1, and one account with one key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createAccountsService, createKeysService } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';

export interface TestGateway extends RunningGateway {
  apiKey: string;
  keyId: string;
  dataDir: string;
  /** An openai SDK client pointed at the gateway, without retries. */
  client(apiKey?: string): OpenAI;
}

/** Boots a gateway; `adjust` may edit the loaded config (e.g. point a provider at a closed port). */
export async function startTestGateway(adjust?: (config: GatewayConfig) => void): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-test-'));
  const config = loadConfig({ env: { OP_DATA_DIR: dataDir, OP_PORT: '0', OP_HOST: '127.0.0.1' } });
  adjust?.(config);
  const running = await startGateway({ config, simulate: true, logger: false, seedDemo: false, keyPollMs: 50 });
  await createAccountsService({ db: running.store.db }).createAccount({ email: 'test@example.com', plan: 'enterprise' });
  const key = await createKeysService({ db: running.store.db, onChange: () => running.keys.invalidate() }).createKey({
    email: 'test@example.com',
    name: 'test',
  });
  return {
    ...running,
    apiKey: key.secret,
    keyId: key.id,
    dataDir,
    client: (apiKey = key.secret) => new OpenAI({ apiKey, baseURL: `${running.url}/v1`, maxRetries: 0 }),
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One catalog model per provider, covering the three wire formats. */
export const MODEL_PER_PROVIDER: Record<string, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4.5',
  google: 'gemini-2.5-flash',
  mistral: 'mistral-large',
  deepseek: 'deepseek-chat',
  xai: 'grok-4',
  groq: 'llama-4-maverick',
};
