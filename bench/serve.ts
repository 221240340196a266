/**
 * The server under test, in its own process (`node --import tsx bench/serve.ts`), so the load
 * generator and the server do not share an event loop.
 *
 * Environment: the usual Roster settings (DATABASE_URL, DB_POOL_SIZE, LOG_LEVEL…; PORT defaults
 * to 0 here) plus BENCH_TENANTS, a comma-separated list of tenant slugs to create, each with a
 * bearer token, before listening. When listening it prints one line on stdout:
 *   BENCH_READY {"port":…,"engine":…,"tokens":{"slug":"rst_…"}}
 * Other stdout lines are the server's own logs. It stops on SIGTERM/SIGINT, or when its stdin
 * closes (the parent died), so it never outlives the benchmark.
 */
import { createServer } from '../src/app/create-server.js';
import { loadConfig } from '../src/config/config.js';
import { issueCredential } from '../src/provisioning/credentials/manage-credentials.js';
import { createTenant } from '../src/provisioning/tenants/manage-tenants.js';

const config = loadConfig({ PORT: '0', LOG_LEVEL: 'warn', ...process.env });
const server = await createServer(config);

const tokens: Record<string, string> = {};
for (const slug of (process.env['BENCH_TENANTS'] ?? '').split(',').filter((s) => s.length > 0)) {
  const tenant = await createTenant(server.rt, { slug });
  tokens[slug] = (await issueCredential(server.rt, tenant.id, 'bearer', 'bench')).secret;
}

await server.listen();
const address = server.app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : Number.NaN;
process.stdout.write(`BENCH_READY ${JSON.stringify({ port, engine: server.store.engine, pid: process.pid, tokens })}\n`);

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  try {
    await server.close();
  } catch (error) {
    process.stderr.write(`bench server: error while closing after ${reason}: ${String(error)}\n`);
  }
  // A normal exit, so `--cpu-prof` writes its profile.
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
process.stdin.on('end', () => void stop('stdin closed'));
process.stdin.on('error', () => void stop('stdin error'));
process.stdin.resume();
