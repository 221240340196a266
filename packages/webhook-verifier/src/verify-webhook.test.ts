import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { parseEvent, signatureHeader, standardHeaders, verifyWebhook, WebhookVerificationError, type RosterEvent } from './index.js';

/** A secret in the form Roster makes them: whsec_ and base64 of 32 random bytes. */
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const event = {
  id: '0192f0c4-3b7e-7c1a-9d2e-5f6a7b8c9d0e',
  type: 'user.deactivated',
  seq: 42,
  tenant: { id: '0192f0c4-0000-7000-8000-000000000001', slug: 'acme' },
  occurredAt: '2026-01-05T09:30:00.000Z',
  data: { schemaVersion: 1, user: { id: '0192f0c4-1111-7000-8000-000000000002', userName: 'bjensen@example.com' } },
};
const body = JSON.stringify(event);
const secret = newWebhookSecret();
const nowMs = Date.parse('2026-01-05T09:30:02Z');
const t = Math.floor(nowMs / 1000);

const rejects = (fn: () => unknown, code: WebhookVerificationError['code']) =>
  assert.throws(fn, (error: unknown) => error instanceof WebhookVerificationError && error.code === code);

describe('verifyWebhook', () => {
  it('accepts a correctly signed body and answers the typed event', () => {
    const verified: RosterEvent = verifyWebhook({ body, header: signatureHeader([secret], t, body), secrets: secret, nowMs });
    assert.equal(verified.type, 'user.deactivated');
    if (verified.type === 'user.deactivated') assert.equal(verified.data.user.userName, 'bjensen@example.com');
    assert.equal(verifyWebhook({ body: Buffer.from(body), header: signatureHeader([secret], t, body), secrets: [secret], nowMs }).seq, 42);
  });

  it('rejects a tampered body', () => {
    const header = signatureHeader([secret], t, body);
    rejects(() => verifyWebhook({ body: body.replace('bjensen', 'attacker'), header, secrets: secret, nowMs }), 'signature_mismatch');
    rejects(() => verifyWebhook({ body: `${body} `, header, secrets: secret, nowMs }), 'signature_mismatch');
  });

  it('rejects a wrong secret', () => {
    rejects(() => verifyWebhook({ body, header: signatureHeader([newWebhookSecret()], t, body), secrets: secret, nowMs }), 'signature_mismatch');
  });

  it('rejects an old (or future) timestamp, even when correctly signed', () => {
    const old = t - 301;
    rejects(() => verifyWebhook({ body, header: signatureHeader([secret], old, body), secrets: secret, nowMs }), 'timestamp_out_of_tolerance');
    rejects(() => verifyWebhook({ body, header: signatureHeader([secret], t + 3600, body), secrets: secret, nowMs }), 'timestamp_out_of_tolerance');
    assert.equal(verifyWebhook({ body, header: signatureHeader([secret], old, body), secrets: secret, nowMs, toleranceSeconds: 600 }).seq, 42);
    // The timestamp is signed: moving it forward breaks the signature.
    const moved = signatureHeader([secret], old, body).replace(`t=${old}`, `t=${t}`);
    rejects(() => verifyWebhook({ body, header: moved, secrets: secret, nowMs }), 'signature_mismatch');
  });

  it('rejects a missing or malformed header', () => {
    rejects(() => verifyWebhook({ body, header: undefined, secrets: secret, nowMs }), 'missing_signature');
    rejects(() => verifyWebhook({ body, header: 'sha256=abc', secrets: secret, nowMs }), 'malformed_signature');
    rejects(() => verifyWebhook({ body, header: `t=${t}`, secrets: secret, nowMs }), 'malformed_signature');
  });

  it('during a rotation, a request signed with both secrets verifies with either', () => {
    const next = newWebhookSecret();
    const header = signatureHeader([next, secret], t, body);
    assert.equal(header.split(',').length, 3);
    assert.equal(verifyWebhook({ body, header, secrets: secret, nowMs }).id, event.id);
    assert.equal(verifyWebhook({ body, header, secrets: next, nowMs }).id, event.id);
    // A receiver mid-rotation passes both and accepts old-only signatures too.
    assert.equal(verifyWebhook({ body, header: signatureHeader([secret], t, body), secrets: [next, secret], nowMs }).id, event.id);
  });
});

describe('parseEvent', () => {
  it('parses a feed item or a body and keeps fields it does not know', () => {
    const parsed = parseEvent({ ...event, data: { ...event.data, future: 'field' } });
    assert.equal((parsed.data as unknown as { future: string }).future, 'field');
  });

  it('refuses malformed events and names unknown types', () => {
    rejects(() => parseEvent('not json'), 'invalid_event');
    rejects(() => parseEvent({ ...event, seq: 0 }), 'invalid_event');
    rejects(() => parseEvent({ ...event, data: { schemaVersion: 1, user: { id: 'x' } } }), 'invalid_event');
    rejects(() => parseEvent({ ...event, type: 'user.teleported' }), 'unknown_event_type');
  });
});

describe('the Standard Webhooks scheme', () => {
  const id = event.id;

  it('verifies its own headers, given all request headers, whatever their case', () => {
    const headers = standardHeaders([secret], id, t, body);
    assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(verifyWebhook({ body, headers, secrets: secret, nowMs }).seq, 42);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verifyWebhook({ body, headers: upper, secrets: secret, nowMs }).seq, 42);
  });

  it('agrees with the standardwebhooks library in both directions', () => {
    const library = new Webhook(secret);
    // Roster's headers pass the library's verifier (which checks the timestamp against the real clock)…
    const ours = standardHeaders([secret], id, Math.floor(Date.now() / 1000), body);
    assert.equal((library.verify(body, ours) as { seq: number }).seq, 42);
    // …and the library's signature is the one Roster makes.
    assert.equal(library.sign(id, new Date(nowMs), body), standardHeaders([secret], id, t, body)['webhook-signature']);
  });

  it('refuses a tampered body, a wrong secret, a moved id or timestamp, an old timestamp', () => {
    const headers = standardHeaders([secret], id, t, body);
    rejects(() => verifyWebhook({ body: body.replace('bjensen', 'attacker'), headers, secrets: secret, nowMs }), 'signature_mismatch');
    rejects(() => verifyWebhook({ body, headers, secrets: newWebhookSecret(), nowMs }), 'signature_mismatch');
    rejects(() => verifyWebhook({ body, headers: { ...headers, 'webhook-id': 'another' }, secrets: secret, nowMs }), 'signature_mismatch');
    rejects(() => verifyWebhook({ body, headers: { ...headers, 'webhook-timestamp': String(t - 1) }, secrets: secret, nowMs }), 'signature_mismatch');
    rejects(() => verifyWebhook({ body, headers: standardHeaders([secret], id, t - 301, body), secrets: secret, nowMs }), 'timestamp_out_of_tolerance');
    rejects(() => verifyWebhook({ body, headers: { ...headers, 'webhook-signature': 'v2,abc' }, secrets: secret, nowMs }), 'malformed_signature');
    rejects(() => verifyWebhook({ body, headers: { 'webhook-signature': headers['webhook-signature'] }, secrets: secret, nowMs }), 'missing_signature');
  });

  it('signs with every live secret during a rotation; either verifies', () => {
    const next = newWebhookSecret();
    const headers = standardHeaders([next, secret], id, t, body);
    assert.equal(headers['webhook-signature']!.split(' ').length, 2);
    for (const s of [secret, next]) assert.equal(verifyWebhook({ body, headers, secrets: s, nowMs }).id, id);
  });

  it('reads secrets written in base64url, as Roster made them before 0.2', () => {
    const legacy = `whsec_${randomBytes(32).toString('base64url')}`;
    const headers = standardHeaders([legacy], id, t, body);
    assert.equal(verifyWebhook({ body, headers, secrets: legacy, nowMs }).id, id);
  });

  it('prefers Roster-Signature when both schemes are present, so a bad one is not skipped', () => {
    const headers = { ...standardHeaders([secret], id, t, body), 'roster-signature': signatureHeader([newWebhookSecret()], t, body) };
    rejects(() => verifyWebhook({ body, headers, secrets: secret, nowMs }), 'signature_mismatch');
  });
});
