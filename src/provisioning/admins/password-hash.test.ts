import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockedUntil, THROTTLE } from './admin-sessions.js';
import { hashPassword, verifyPassword } from './password-hash.js';

describe('admin password hashing', () => {
  it('stores scrypt with its parameters and a salt of its own per password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.notEqual(a, b, 'same password, different salt, different hash');
    assert.equal(a.includes('correct horse'), false);
  });

  it('verifies the right password only, and refuses malformed or absurd-cost hashes', async () => {
    const stored = await hashPassword('Zürich passphrase 1');
    assert.equal(await verifyPassword('Zürich passphrase 1', stored), true);
    assert.equal(await verifyPassword('Zu\u0308rich passphrase 1', stored), true, 'NFKC: the same text typed another way');
    assert.equal(await verifyPassword('zürich passphrase 1', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    assert.equal(await verifyPassword('x', 'plaintext'), false);
    assert.equal(await verifyPassword('x', stored.replace(/^scrypt\$15/, 'scrypt$30')), false);
  });
});

describe('sign-in throttle', () => {
  it('lets three failures through, then locks for 1 s, 2 s, 4 s … up to 15 minutes', () => {
    const at = 1_000_000;
    assert.equal(lockedUntil({ failures: THROTTLE.freeFailures, lastFailureMs: at }), 0);
    assert.equal(lockedUntil({ failures: 4, lastFailureMs: at }), at + 1000);
    assert.equal(lockedUntil({ failures: 5, lastFailureMs: at }), at + 2000);
    assert.equal(lockedUntil({ failures: 6, lastFailureMs: at }), at + 4000);
    assert.equal(lockedUntil({ failures: 40, lastFailureMs: at }), at + THROTTLE.maxDelayMs);
  });
});
