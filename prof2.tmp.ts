import Database from 'better-sqlite3';
const stats = new Map<string, { n: number; ms: number }>();
const db = new Database(':memory:');
const Stmt = Object.getPrototypeOf(db.prepare('select 1'));
for (const m of ['run', 'all', 'get', 'iterate']) {
  const orig = Stmt[m];
  Stmt[m] = function (this: { source: string }, ...args: unknown[]) {
    const t0 = performance.now();
    try { return orig.apply(this, args); } finally {
      const s = stats.get(this.source) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(this.source, s);
    }
  };
}
const { createTestServer } = await import('./src/testing/test-server.js');
const t = await createTestServer('sqlite', { RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0' });
const body = (i: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `user${i}@example.com`, name: { givenName: 'G', familyName: 'F' }, emails: [{ primary: true, value: `user${i}@example.com`, type: 'work' }], displayName: 'G F', active: true, externalId: `ext${i}` });
for (let i = 0; i < 300; i++) await t.scim('POST', '/Users', body(i));
stats.clear();
const N = 1000;
for (let i = 1000; i < 1000 + N; i++) await t.scim('POST', '/Users', body(i));
for (let i = 0; i < N; i++) await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "user${1000 + i}@example.com"`)}&startIndex=1&count=100`);
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
for (const [sql, s] of rows) console.log(s.n, (s.ms / s.n * 1000).toFixed(0) + 'us', s.ms.toFixed(0) + 'ms', sql.replace(/\s+/g, ' ').slice(0, 150));
await t.close();
