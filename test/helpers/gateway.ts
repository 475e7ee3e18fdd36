/**
 * Starts a real gateway for integration tests: a temp data dir, SQLite, the in-process simulator for every
 * provider, port 0 on 127.0.0.1, and one account with one key. More accounts (any plan, limit overrides, spend
 * caps) come from `addAccount`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createAccountsService, createKeysService, type AccountLimitsInput } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { createSharedBackends, SHARED } from './shared-backends.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';

/** An account's plan, limit overrides and monthly cap (see `AccountLimitsInput`), plus its key's own cap. */
export interface TestAccountOptions extends AccountLimitsInput {
  /** Defaults to a fresh unique address. */
  email?: string;
  /** `free`, `pro` or `enterprise`; defaults to `enterprise`. */
  plan?: string;
  /** The key's monthly spend cap in USD; omitted: none. */
  keySpendCapUsd?: number;
  /** A dashboard password; omitted: the account cannot log in. */
  password?: string;
}

/** One account with one key on a running test gateway. */
export interface TestAccount {
  email: string;
  accountId: string;
  apiKey: string;
  keyId: string;
  /** An openai SDK client with this key, without retries. */
  client(): OpenAI;
  /** Issues another key on the same account. */
  addKey(options?: { spendCapUsd?: number }): Promise<{ apiKey: string; keyId: string; client(): OpenAI }>;
}

export interface TestGatewayOptions {
  /** May edit the loaded config before start (e.g. point a provider at a closed port, change a plan). */
  adjust?: (config: GatewayConfig) => void;
  /** The default account (`test@example.com`); its plan defaults to `enterprise`. */
  account?: Omit<TestAccountOptions, 'email'>;
}

export interface TestGateway extends RunningGateway {
  apiKey: string;
  keyId: string;
  accountId: string;
  dataDir: string;
  /** An openai SDK client pointed at the gateway, without retries. */
  client(apiKey?: string): OpenAI;
  /** Creates another account with one key. */
  addAccount(options?: TestAccountOptions): Promise<TestAccount>;
  /** A second connection to the gateway's store (SQLite file or PostgreSQL schema), as another process would open. */
  openAnotherStore(): Store;
  /** Deletes the data dir (and, in the shared leg, the schema and Redis keys) kept by `close({ keepDataDir })`. */
  removeData(): Promise<void>;
  /** Stops the gateway (flushing the ledger) and deletes the data dir unless `keepDataDir`. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

let accountCounter = 0;

/**
 * Boots a gateway. Pass a function to only edit the loaded config (e.g. point a provider at a closed port), or
 * options for the default account's plan, limits and caps as well.
 */
export async function startTestGateway(options?: TestGatewayOptions | ((config: GatewayConfig) => void)): Promise<TestGateway> {
  const { adjust, account = {} } = typeof options === 'function' ? { adjust: options } : (options ?? {});
  const dataDir = mkdtempSync(join(tmpdir(), 'op-test-'));
  const shared = SHARED ? await createSharedBackends() : undefined;
  const config = loadConfig({ env: { OP_DATA_DIR: dataDir, OP_PORT: '0', OP_HOST: '127.0.0.1', ...shared?.env } });
  adjust?.(config);
  const running = await startGateway({ config, simulate: true, logger: false, seedDemo: false, keyPollMs: 50 });
  const onChange = (): Promise<void> => running.keys.invalidate();
  const accounts = createAccountsService({ db: running.store.db, onChange });
  const keys = createKeysService({ db: running.store.db, onChange });
  const clientFor = (apiKey: string): OpenAI => new OpenAI({ apiKey, baseURL: `${running.url}/v1`, maxRetries: 0 });

  async function addAccount(input: TestAccountOptions = {}): Promise<TestAccount> {
    const { email = `account-${++accountCounter}@example.com`, plan = 'enterprise', keySpendCapUsd, ...limits } = input;
    const created = await accounts.createAccount({ ...limits, email, plan });
    const addKey = async (keyOptions: { spendCapUsd?: number } = {}): Promise<{ apiKey: string; keyId: string; client(): OpenAI }> => {
      const key = await keys.createKey({ accountId: created.id, name: 'test', spendCapUsd: keyOptions.spendCapUsd ?? null });
      return { apiKey: key.secret, keyId: key.id, client: () => clientFor(key.secret) };
    };
    const first = await addKey({ spendCapUsd: keySpendCapUsd });
    return { email, accountId: created.id, apiKey: first.apiKey, keyId: first.keyId, client: first.client, addKey };
  }

  async function removeData(): Promise<void> {
    rmSync(dataDir, { recursive: true, force: true });
    await shared?.cleanup();
  }

  const main = await addAccount({ ...account, email: 'test@example.com' });
  return {
    ...running,
    apiKey: main.apiKey,
    keyId: main.keyId,
    accountId: main.accountId,
    dataDir,
    client: (apiKey = main.apiKey) => clientFor(apiKey),
    addAccount,
    openAnotherStore: () => openStore({ dataDir, databaseUrl: config.databaseUrl }),
    removeData,
    async close(closeOptions = {}) {
      await running.close();
      if (closeOptions.keepDataDir !== true) await removeData();
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
