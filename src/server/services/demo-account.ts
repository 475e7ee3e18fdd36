/**
 * @module The demo account of `npm start`: created on a store with none, its key written to `<dataDir>/demo-key.txt`
 * so that later starts can print it again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountsService, createKeysService, type KeyCache } from '../../auth/index.js';
import type { Store } from '../../store/index.js';

export const DEMO_EMAIL = 'demo@originalpoint.local';

/** First start: a demo account and key. Later starts: the key saved then, if it still exists. */
export async function seedDemoAccount(store: Store, keys: KeyCache, dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'demo-key.txt');
  const accounts = createAccountsService({ db: store.db });
  if (await accounts.findAccountByEmail(DEMO_EMAIL)) {
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  }
  await accounts.createAccount({ email: DEMO_EMAIL, plan: 'pro' });
  const created = await createKeysService({ db: store.db, onChange: () => keys.invalidate() }).createKey({ email: DEMO_EMAIL, name: 'demo' });
  writeFileSync(file, `${created.secret}\n`, { mode: 0o600 });
  return created.secret;
}
