import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('correct horse battery');
    assert.match(encoded, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!encoded.includes('correct horse battery'));
    const [right, wrong] = await Promise.all([verifyPassword('correct horse battery', encoded), verifyPassword('correct horse battery!', encoded)]);
    assert.equal(right, true);
    assert.equal(wrong, false);
  });

  it('salts every hash', async () => {
    const [first, second] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    assert.notEqual(first, second);
  });

  it('treats a malformed or tampered hash as a mismatch', async () => {
    assert.equal(await verifyPassword('x', ''), false);
    assert.equal(await verifyPassword('x', 'bcrypt$1$2$3$c2FsdA==$a2V5'), false);
    assert.equal(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$' + 'a'.repeat(44)), false);
    assert.equal(await verifyPassword('x', 'scrypt$1024$8$1$$' + 'a'.repeat(44)), false);
  });
});
