/**
 * Two builds, or two V8 settings, side by side from a cold start, for changes too small to see
 * across separate runs on a machine whose speed drifts by half from one minute to the next:
 *
 *   node --import tsx bench/ab-cold.ts DIR_A DIR_B [pairs=2] [sqlite|postgres]
 *
 * DIR_A and DIR_B are checkouts with `dist/` built (`npx tsc -p tsconfig.build.json`); they may be
 * the same checkout. FLAGS_A and FLAGS_B are V8 flags for each server (bench/serve.ts reads them as
 * BENCH_V8_FLAGS), for instance FLAGS_A=--interrupt-budget=67584 for V8's default; NODE_OPTIONS_A and
 * NODE_OPTIONS_B carry the flags V8 reads only as a process starts (--max-semi-space-size).
 *
 * Each pair starts both servers on fresh databases, then sends 2,000 creates, 4,000 `userName eq`
 * lookups and 2,000 `GET /healthz` from 8 clients, in blocks of 500 that alternate between A and B
 * (A first in even pairs, B first in odd ones), so whatever the machine does meanwhile falls on
 * both alike. Prints the server CPU per request of every block, and each phase's total, B ÷ A.
 */
import { DEFAULT_PG_URL, postgresDatabase, sqliteDatabase, type BenchDatabase } from './databases.js';
import { httpLoad } from './load.js';
import { creates, lookups } from './scenarios.js';

type ChildModule = typeof import('./child.js');
const [dirA, dirB] = [process.argv[2], process.argv[3]];
if (!dirA || !dirB) throw new Error('usage: bench/ab-cold.ts DIR_A DIR_B [pairs] [sqlite|postgres]');
const pairs = Number(process.argv[4] ?? 2);
const engine = process.argv[5] ?? 'sqlite';
if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`engine must be sqlite or postgres, not ${engine}`);
const flags = [process.env['FLAGS_A'] ?? '', process.env['FLAGS_B'] ?? ''];
// Flags V8 reads only as the process starts (--max-semi-space-size), through NODE_OPTIONS.
const nodeOptions = [process.env['NODE_OPTIONS_A'] ?? '', process.env['NODE_OPTIONS_B'] ?? ''];
// Each checkout's own bench/child.ts starts its own bench/serve.ts, which runs that checkout's dist/.
const children = [(await import(`${dirA}/bench/child.ts`)) as ChildModule, (await import(`${dirB}/bench/child.ts`)) as ChildModule];
const BLOCK = 500;
const cpu = new Map<string, number[]>(); // "phase side" → µs per request of each block, in order
const wall = new Map<string, number[]>(); // "phase side" → wall-clock ms of each block, in order
// AB_CREATE_BLOCKS=12 gives creates more blocks (6,000 per server) when only they are compared.
const createBlocks = Number(process.env['AB_CREATE_BLOCKS'] ?? 4);
// AB_CREATE_CLIENTS=32: creates from more clients (lookups and /healthz keep 8).
const createClients = Number(process.env['AB_CREATE_CLIENTS'] ?? 8);

async function freshDatabase(): Promise<BenchDatabase> {
  return engine === 'sqlite' ? sqliteDatabase() : postgresDatabase(DEFAULT_PG_URL);
}

for (let pair = 0; pair < pairs; pair++) {
  const databases = [await freshDatabase(), await freshDatabase()];
  const servers = await Promise.all(
    children.map((child, side) =>
      child.startServer({
        databaseUrl: databases[side]?.serverUrl ?? '',
        poolSize: 10,
        logLevel: 'warn',
        env: {
          RATE_LIMIT_PER_CREDENTIAL: '0',
          RATE_LIMIT_PER_IP: '0',
          BENCH_V8_FLAGS: flags[side] ?? '',
          ...(nodeOptions[side] ? { NODE_OPTIONS: nodeOptions[side] } : {}),
        },
        tenants: ['t'],
        cwd: side === 0 ? dirA : dirB,
      }),
    ),
  );
  try {
    const userNames: string[][] = [[], []];
    const order = pair % 2 === 0 ? [0, 1] : [1, 0];
    const phase = async (name: string, blocks: number, run: (side: number, block: number) => Promise<unknown>) => {
      for (let block = 0; block < blocks; block++)
        for (const side of order) {
          const server = servers[side];
          if (!server) continue;
          await server.mark('before');
          await run(side, block);
          const usage = await server.mark(name);
          const key = `${name} ${'AB'[side]}`;
          cpu.set(key, [...(cpu.get(key) ?? []), ((usage.cpuUserMs + usage.cpuSystemMs) * 1000) / BLOCK]);
          wall.set(key, [...(wall.get(key) ?? []), usage.wallMs]);
        }
    };
    await phase('creates', createBlocks, async (side, block) => {
      const server = servers[side];
      if (!server) return;
      const made = await creates(server, 't', { prefix: `ab${pair}`, first: block * BLOCK, count: BLOCK, clients: createClients });
      userNames[side]?.push(...made.userNames);
    });
    await phase('lookups', 8, async (side) => {
      const server = servers[side];
      if (server) await lookups(server, 't', { userNames: userNames[side] ?? [], count: BLOCK, clients: 8 });
    });
    await phase('healthz', 4, async (side) => {
      const server = servers[side];
      if (!server) return;
      await httpLoad({ port: server.port, clients: 8, total: BLOCK, request: () => ({ method: 'GET', path: '/healthz' }), expect: (answer) => answer.status === 200 });
    });
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(databases.map((database) => database.dispose()));
  }
}

const total = (key: string, of = cpu) => (of.get(key) ?? []).reduce((sum, v) => sum + v, 0);
const described = (side: number) => [flags[side], nodeOptions[side] ? `NODE_OPTIONS=${nodeOptions[side]}` : ''].filter((f) => f).join(' ') || '(no extra flags)';
console.log(`${engine}, ${pairs} pair(s); A: ${dirA} ${described(0)}; B: ${dirB} ${described(1)}`);
console.log('server CPU per request, µs, block by block (pairs one after another):');
for (const name of ['creates', 'lookups', 'healthz']) {
  const a = cpu.get(`${name} A`) ?? [];
  const b = cpu.get(`${name} B`) ?? [];
  console.log(`  ${name.padEnd(8)} A ${a.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`  ${''.padEnd(8)} B ${b.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`  ${''.padEnd(8)} B ÷ A ${(total(`${name} B`) / total(`${name} A`)).toFixed(3)}`);
}
console.log('requests per second, block by block:');
for (const name of ['creates', 'lookups', 'healthz']) {
  const rates = (side: string) => (wall.get(`${name} ${side}`) ?? []).map((ms) => (BLOCK * 1000) / ms);
  console.log(
    `  ${name.padEnd(8)} A ${rates('A')
      .map((v) => v.toFixed(0))
      .join(' ')}`,
  );
  console.log(
    `  ${''.padEnd(8)} B ${rates('B')
      .map((v) => v.toFixed(0))
      .join(' ')}`,
  );
  console.log(`  ${''.padEnd(8)} B ÷ A, whole phase ${(total(`${name} A`, wall) / total(`${name} B`, wall)).toFixed(3)}`);
}
for (const side of ['A', 'B'])
  console.log(`${side}: the first 4,000 lookups ÷ /healthz, server CPU per request: ${(total(`lookups ${side}`) / 8 / (total(`healthz ${side}`) / 4)).toFixed(2)}`);
