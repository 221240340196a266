/**
 * Lookups only, in rounds, for comparing two builds of the server quickly (about 6 s a run):
 *
 *   node --import tsx bench/lookup-rounds.ts [sqlite|postgres] [rounds=5] [--pg-url URL] [--cpu-prof DIR]
 *
 * Starts the built `dist/` (run `npx tsc -p tsconfig.build.json` first) on a fresh database,
 * creates 1,000 people, warms up with 2,000 lookups, then runs `rounds` rounds of 6,000
 * `userName eq` lookups from 8 clients. Prints each round and the median of the rounds after the
 * first (the first is often still warming up): lookups/s and the server's CPU per lookup.
 * Machine speed drifts, so compare builds in alternating runs (A, B, A, B), not one after another.
 */
import { BENCH_SERVER_SETTINGS, startServer } from './child.js';
import { DEFAULT_PG_URL, postgresDatabase, sqliteDatabase } from './databases.js';
import { creates, lookups } from './scenarios.js';

const PER_ROUND = 6000;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const positional = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const engine = positional[0] ?? 'sqlite';
if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`engine must be sqlite or postgres, not ${engine}`);
const rounds = Number(positional[1] ?? 5);
const profileDir = option('--cpu-prof');
const db = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(option('--pg-url') ?? DEFAULT_PG_URL);
const server = await startServer({
  databaseUrl: db.serverUrl,
  poolSize: BENCH_SERVER_SETTINGS.poolSize,
  logLevel: BENCH_SERVER_SETTINGS.logLevel,
  env: BENCH_SERVER_SETTINGS.serverEnv,
  tenants: ['t'],
  cwd: process.cwd(),
  ...(profileDir ? { profileDir } : {}),
});
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN;
try {
  const made = await creates(server, 't', { prefix: 'lookup-rounds', count: 1000, clients: 8 });
  await lookups(server, 't', { userNames: made.userNames, count: 2000, clients: 8 });
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    await server.mark('before');
    const result = await lookups(server, 't', { userNames: made.userNames, count: PER_ROUND, clients: 8 });
    const usage = await server.mark(`lookups-${round}`);
    const cpuUs = ((usage.cpuUserMs + usage.cpuSystemMs) * 1000) / PER_ROUND;
    rates.push(result.perSecond);
    cpu.push(cpuUs);
    const wrong = result.ok === PER_ROUND ? '' : `  ${PER_ROUND - result.ok} unexpected answers: ${result.unexpected.slice(0, 2).join(' | ')}`;
    console.log(
      `round ${round}: ${Math.round(result.perSecond)}/s, ${cpuUs.toFixed(0)} µs server CPU per lookup, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms${wrong}`,
    );
  }
  console.log(`${engine}, median of rounds 2–${rounds}: ${Math.round(median(rates.slice(1)))}/s, ${median(cpu.slice(1)).toFixed(0)} µs per lookup`);
} finally {
  await server.stop();
  await db.dispose();
}
