// A host product built on Express, with Roster mounted under /roster. Roster shares the product's
// PostgreSQL (in a schema of its own, "roster") and its logger, and stops with it.
import express from 'express';
import pg from 'pg';
import { createRosterHandler, type HostLogger } from 'roster-scim';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/app';
// The product's own pool; Roster connects with its settings. (A SQLite file path works too.)
const pool = databaseUrl.startsWith('postgres') ? new pg.Pool({ connectionString: databaseUrl }) : undefined;

// The product's logger: pino, or anything with info/warn/error/debug/child, like this one.
const logger = (bindings: object = {}): HostLogger => ({
  info: (...args) => console.log('INFO', JSON.stringify(bindings), ...args),
  warn: (...args) => console.warn('WARN', JSON.stringify(bindings), ...args),
  error: (...args) => console.error('ERROR', JSON.stringify(bindings), ...args),
  debug: () => {},
  child: (more) => logger({ ...bindings, ...more }),
});
const log = logger();

const roster = createRosterHandler({
  database: pool ?? databaseUrl,
  logger: log,
  // Roster's settings by name (see its README); PUBLIC_URL is this product's external origin.
  settings: { PUBLIC_URL: process.env.PUBLIC_URL ?? '' },
});

const app = express();
// Before any body parser: Roster reads its requests' bodies itself.
app.use('/roster', roster);
app.use(express.json());

// The product's own page where a customer turns provisioning on: it makes the customer's Roster
// tenant and shows what to paste into their identity provider. Put it behind your own sign-in.
app.post('/customers/:customer/provisioning', async (req, res) => {
  const admin = await roster.ready();
  const slug = req.params.customer;
  await admin.createTenant({ slug });
  const origin = process.env.PUBLIC_URL || `${req.protocol}://${req.get('host')}`;
  res.status(201).json({
    scimBaseUrl: `${origin}/roster/scim/v2/`,
    scimToken: await admin.issueScimToken(slug),
    // For the product's own back end, to read the directory at /roster/host/v1.
    hostKey: await admin.issueHostKey({ tenantSlug: slug }),
  });
});

// Roster has opened and migrated its schema before the product takes requests.
await roster.ready();
const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') log.info(`listening on http://${address.address}:${address.port}`);
});

// Stop taking requests, then Roster's webhook delivery and background work, then the pool.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void roster.close().then(() => pool?.end())));
}
