import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { createAccount } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { AuthServiceError } from './errors.js';
import { ProviderCredentialsService } from './provider-credentials.js';
import { generateMasterKey, MasterKeyError, SecretCipher } from './secrets.js';

const formats = new Map([
  ['openai', /^sk-[A-Za-z0-9_-]{20,}$/],
  ['google', /^AIza[0-9A-Za-z_-]{35}$/],
]);
const OPENAI_KEY = 'sk-abcdefghijklmnopqrstuvwxyz';
const GOOGLE_KEY = `AIza${'x'.repeat(35)}`;

await describeEachDialect('ProviderCredentialsService', (dialect) => {
  let temp: TempStore;
  let cipher: SecretCipher;
  let service: ProviderCredentialsService;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    cipher = new SecretCipher(generateMasterKey());
    service = new ProviderCredentialsService({ db: temp.store.db, cipher, formats });
    for (const id of ['acct_a', 'acct_b']) {
      await createAccount(temp.store.db, { id, email: `${id}@example.com`, passwordHash: null, plan: 'free', createdAt: '2026-01-01T00:00:00.000Z' });
    }
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('checks the provider and the format, without repeating the key in the message', () => {
    assert.equal(service.checkFormat('openai', `  ${OPENAI_KEY}\n`), OPENAI_KEY);
    assert.throws(
      () => service.checkFormat('anthropic', OPENAI_KEY),
      (error: unknown) => error instanceof AuthServiceError && error.code === 'invalid_provider',
    );
    assert.throws(
      () => service.checkFormat('google', 'AIza-too-short'),
      (error: unknown) => error instanceof AuthServiceError && error.code === 'invalid_provider_key' && !error.message.includes('too-short'),
    );
    assert.throws(() => service.checkFormat('openai', `sk-${'a'.repeat(600)}`), AuthServiceError);
    assert.deepEqual(service.providers, ['openai', 'google']);
  });

  it('stores ciphertext only, serves plaintext from memory per account, and reloads it', async () => {
    const added = await service.add('acct_a', 'openai', OPENAI_KEY);
    await service.add('acct_a', 'google', GOOGLE_KEY);
    assert.equal(added.last4, 'wxyz');
    const dump = JSON.stringify(await temp.store.db.selectFrom('providerCredentials').selectAll().execute());
    assert.ok(!dump.includes(OPENAI_KEY) && !dump.includes(GOOGLE_KEY));
    assert.deepEqual(Object.fromEntries(service.keysForAccount('acct_a')), { openai: OPENAI_KEY, google: GOOGLE_KEY });
    assert.equal(service.keysForAccount('acct_b').size, 0);

    const reloaded = new ProviderCredentialsService({ db: temp.store.db, cipher, formats });
    await reloaded.load();
    assert.deepEqual(Object.fromEntries(reloaded.keysForAccount('acct_a')), { openai: OPENAI_KEY, google: GOOGLE_KEY });
  });

  it('replaces an account’s key for the same provider', async () => {
    const first = await service.add('acct_a', 'openai', OPENAI_KEY);
    const second = await service.add('acct_a', 'openai', `${OPENAI_KEY}2`);
    assert.notEqual(first.id, second.id);
    assert.deepEqual(
      (await service.list('acct_a')).map((c) => c.id),
      [second.id],
    );
    assert.equal(service.keysForAccount('acct_a').get('openai'), `${OPENAI_KEY}2`);
  });

  it('removes only the owner’s credential; another account’s id is not found', async () => {
    const added = await service.add('acct_a', 'openai', OPENAI_KEY);
    await assert.rejects(
      service.remove('acct_b', added.id),
      (error: unknown) => error instanceof AuthServiceError && error.code === 'credential_not_found',
    );
    assert.equal(service.keysForAccount('acct_a').get('openai'), OPENAI_KEY);
    await service.remove('acct_a', added.id);
    assert.equal(service.keysForAccount('acct_a').size, 0);
    assert.deepEqual(await service.list('acct_a'), []);
  });

  it('refuses to load credentials sealed under another master key', async () => {
    await service.add('acct_a', 'openai', OPENAI_KEY);
    const wrong = new ProviderCredentialsService({ db: temp.store.db, cipher: new SecretCipher(generateMasterKey()), formats });
    await assert.rejects(wrong.load(), MasterKeyError);
  });
});
