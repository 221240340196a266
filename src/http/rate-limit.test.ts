import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { RateLimiter } from './rate-limit.js';

describe('rate limits', () => {
  it('a token bucket allows its burst, then answers how long to wait, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 4, () => now);
    for (let i = 0; i < 4; i++) assert.equal(limiter.take('k'), 0);
    assert.equal(limiter.take('k'), 1);
    assert.equal(limiter.take('other'), 0, 'keys are independent');
    now += 1000;
    assert.equal(limiter.take('k'), 0);
    assert.equal(limiter.take('k'), 0);
    assert.ok(limiter.take('k') >= 1);
    assert.equal(new RateLimiter(0, 0, () => now).take('k'), 0, '0 turns the limit off');
  });

  describe('on the SCIM endpoint', () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer('sqlite', { RATE_LIMIT_PER_CREDENTIAL: '1', AUTH_FAILURES_PER_IP: '0.1' });
    });
    after(async () => t?.close());

    it('answers 429 with an integer Retry-After once a credential exceeds its rate', async () => {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 7; i++) {
        const r = await t.scim('GET', '/Users');
        statuses.push(r.status);
        if (r.status === 429) {
          retryAfter = String(r.headers['retry-after']);
          assert.equal(r.body['status'], '429');
        }
      }
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      assert.equal(statuses[5], 429);
      assert.match(retryAfter ?? '', /^\d+$/);
      const other = await t.addTenant('other');
      const fresh = await t.server.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${other.token}` } });
      assert.equal(fresh.statusCode, 200, 'another credential is not affected');
    });

    it('throttles repeated failed authentication from one address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) {
        const r = await t.server.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Bearer wrong' } });
        statuses.push(r.statusCode);
      }
      assert.equal(statuses.filter((s) => s === 401).length, 20);
      assert.equal(statuses.at(-1), 429);
    });
  });
});
