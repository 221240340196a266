/**
 * The server under test, in its own process (`node --import tsx bench/serve.ts`), so the load
 * generator and the server do not share an event loop.
 *
 * Environment: the usual Roster settings (DATABASE_URL, DB_POOL_SIZE, LOG_LEVEL…; PORT defaults
 * to 0 and LOG_LEVEL to warn here) plus
 *   BENCH_TENANTS      comma-separated tenant slugs to create, each with a bearer token, before listening;
 *   BENCH_ADMIN        `email password`: an operator admin of the console, created before listening
 *                      (the hostile-reads scenario measures the console's own API);
 *   BENCH_PROFILE_DIR  when set, a V8 CPU profile per interval between marks is written there;
 *   BENCH_CODE         `src` to run the TypeScript sources through tsx instead of the built dist/.
 * When listening it prints one line on stdout:
 *   BENCH_READY {"port":…,"engine":…,"pid":…,"tokens":{"slug":"rst_…"},"tenantIds":{"slug":"<tenant id>"}}
 * (tenant ids, so that bench/seed.ts can write into the tenants the server created).
 * Other stdout lines are the server's own logs.
 *
 * Control on stdin, one command per line:
 *   mark <label>   answers `BENCH_MARK {"label":…,"wallMs":…,"cpuUserMs":…,"cpuSystemMs":…,"elu":…,"profile":…}`
 *                  for the interval since the previous mark (or since ready), so the parent can
 *                  tell how busy the server was during one scenario.
 *   gc             runs a full garbage collection and answers `BENCH_GC {"heapUsedBytes":…,"rssBytes":…}`,
 *                  so that a memory reading does not depend on when V8 last collected.
 * It stops on SIGTERM/SIGINT, or when stdin closes (the parent died), so it never outlives the run.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { intervalMeter } from './interval-meter.js';

// The server runs the compiled dist/ that `npm start` runs (bench/run.ts builds it first), not the
// sources through tsx, whose transform adds work of its own to every function. BENCH_CODE=src
// measures the sources instead.
const code = process.env['BENCH_CODE'] === 'src' ? '../src' : '../dist';
const { createServer } = (await import(`${code}/app/create-server.js`)) as typeof import('../src/app/create-server.js');
const { loadConfig } = (await import(`${code}/config/config.js`)) as typeof import('../src/config/config.js');
const { applyServingV8 } = (await import(`${code}/app/serving-v8.js`)) as typeof import('../src/app/serving-v8.js');
const { issueCredential } = (await import(
  `${code}/provisioning/credentials/manage-credentials.js`
)) as typeof import('../src/provisioning/credentials/manage-credentials.js');
const { createAdmin } = (await import(`${code}/provisioning/admins/manage-admins.js`)) as typeof import('../src/provisioning/admins/manage-admins.js');
const { createTenant } = (await import(`${code}/provisioning/tenants/manage-tenants.js`)) as typeof import('../src/provisioning/tenants/manage-tenants.js');

const config = loadConfig({ PORT: '0', LOG_LEVEL: 'warn', ...process.env });
// As `roster serve` does (its V8 flags; HEAP_MODE: V8's sizing unless `small`). BENCH_V8_FLAGS
// replaces or adds to them, for comparing V8 settings (bench/ab-cold.ts).
applyServingV8(config.heapMode);
for (const flag of (process.env['BENCH_V8_FLAGS'] ?? '').split(/\s+/).filter((f) => f !== '')) setFlagsFromString(flag);
const server = await createServer(config);

const tokens: Record<string, string> = {};
const tenantIds: Record<string, string> = {};
for (const slug of (process.env['BENCH_TENANTS'] ?? '').split(',').filter((s) => s.length > 0)) {
  const tenant = await createTenant(server.rt, { slug });
  tenantIds[slug] = tenant.id;
  tokens[slug] = (await issueCredential(server.rt, tenant.id, 'bearer', 'bench')).secret;
}

const benchAdmin = process.env['BENCH_ADMIN'];
if (benchAdmin) {
  const [email = '', password = ''] = benchAdmin.split(' ');
  await createAdmin(server.rt, { email, password });
}

// `gc` without starting node with --expose-gc (the child's command line stays as it was).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const profileDir = process.env['BENCH_PROFILE_DIR'];
const session = profileDir ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  // A finer grain than V8's default 1 ms: a lookup takes a few tenths of a millisecond.
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

await server.listen();
const address = server.app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : Number.NaN;

const meter = intervalMeter();
let marks = 0;
process.stdout.write(`BENCH_READY ${JSON.stringify({ port, engine: server.store.engine, pid: process.pid, tokens, tenantIds })}\n`);

async function mark(label: string): Promise<void> {
  const usage = meter.read();
  let profile: string | undefined;
  if (session && profileDir) {
    const stopped = await session.post('Profiler.stop');
    profile = join(profileDir, `${String(++marks).padStart(2, '0')}-${label.replace(/[^a-z0-9-]+/gi, '_')}.cpuprofile`);
    writeFileSync(profile, JSON.stringify(stopped.profile));
    await session.post('Profiler.start');
  }
  process.stdout.write(`BENCH_MARK ${JSON.stringify({ label, ...usage, ...(profile ? { profile } : {}) })}\n`);
  meter.restart();
}

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
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));

const commands = createInterface({ input: process.stdin });
let queue = Promise.resolve();
commands.on('line', (line) => {
  const [command, ...rest] = line.trim().split(/\s+/);
  if (command === 'gc') {
    collectGarbage();
    const usage = process.memoryUsage();
    process.stdout.write(`BENCH_GC ${JSON.stringify({ heapUsedBytes: usage.heapUsed, rssBytes: usage.rss })}\n`);
    return;
  }
  if (command !== 'mark') return;
  queue = queue
    .then(() => mark(rest.join(' ') || 'interval'))
    .catch((e: unknown) => {
      process.stderr.write(`bench server: mark failed: ${String(e)}\n`);
    });
});
commands.on('close', () => void stop('stdin closed'));
