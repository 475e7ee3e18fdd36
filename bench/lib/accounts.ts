/** Accounts for a gateway that runs in a child process: written into its data directory before it starts. */
import { createAccountsService, createKeysService, type CreateAccountInput } from '../../src/auth/index.js';
import { createStore, migrateToLatest } from '../../src/store/index.js';

/** Migrates the SQLite database in `dataDir` and creates `account` there with one key named `keyName`. */
export async function seedAccount(dataDir: string, account: CreateAccountInput, keyName: string): Promise<{ accountId: string; apiKey: string }> {
  const store = createStore({ dataDir });
  try {
    await migrateToLatest(store.db);
    const created = await createAccountsService({ db: store.db }).createAccount(account);
    const key = await createKeysService({ db: store.db }).createKey({ accountId: created.id, name: keyName });
    return { accountId: created.id, apiKey: key.secret };
  } finally {
    await store.close();
  }
}
