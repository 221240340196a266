/**
 * A Roster listening on 127.0.0.1 in this process (createServer + listen), on a database both it and
 * the test's own SQL connection can open: for suites that send many requests and read the logs.
 */
import { createServer, type RosterServer, type ServerOverrides } from '../../../src/app/create-server.js';
import { loadConfig } from '../../../src/config/config.js';
import { fixtureDatabase, inspect, seedTenants, type EngineName, type FixtureDatabase, type Inspector, type SeededTenant } from './harness.js';

export interface LiveServer {
  readonly base: string;
  readonly server: RosterServer;
  readonly tenants: SeededTenant[];
  readonly sql: Inspector;
  readonly db: FixtureDatabase;
  close(): Promise<void>;
}

export async function startInProcess(
  engine: EngineName,
  slugs: readonly string[],
  env: Record<string, string> = {},
  overrides: ServerOverrides = {},
): Promise<LiveServer> {
  const db = await fixtureDatabase(engine);
  const tenants = await seedTenants(db.url, slugs);
  const config = loadConfig({
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    RATE_LIMIT_PER_CREDENTIAL: '0',
    RATE_LIMIT_PER_IP: '0',
    AUTH_FAILURES_PER_IP: '0',
    WEBHOOK_DELIVERY: 'off',
    ...env,
  });
  const server = await createServer(config, overrides);
  const base = await server.listen();
  const sql = await inspect(engine, db.url);
  return {
    base,
    server,
    tenants,
    sql,
    db,
    async close() {
      await sql.close();
      await server.close();
      await db.dispose();
    },
  };
}
