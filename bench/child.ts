/**
 * Starting and stopping bench/serve.ts in a child process, reading its logs, and asking it how
 * busy it was (marks). Every child started here is killed when this process exits, however it exits.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ServerHandle } from './scenarios.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

type Child = ChildProcessByStdio<Writable, Readable, Readable>;
const liveChildren = new Set<Child>();

/** Kills every child still running (SIGKILL): for exit paths that cannot wait. */
export function killAllChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}
process.on('exit', killAllChildren);

/** Log lines the server wrote (stdout: pino JSON at LOG_LEVEL and above; stderr: anything). */
export interface ServerLog {
  readonly levels: Record<string, number>;
  /** The first lines, for the report. */
  readonly lines: string[];
  /** The last lines after those (a server that went away said why last). */
  readonly tail: string[];
}

/** How busy the server was between two marks. */
export interface ServerUsage {
  readonly label: string;
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Event-loop utilisation (0..1). */
  readonly elu: number;
  /** Share of one core the server process used: (user + system) ÷ wall. */
  readonly cpuShare: number;
  readonly profile?: string;
}

/** The server's heap after a full collection (and its RSS as Node sees it). */
export interface ServerHeap {
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
}

export interface RunningServer extends ServerHandle {
  readonly pid: number;
  readonly log: ServerLog;
  /** Tenant id by slug, for writing into the tenants the server created (bench/seed.ts). */
  readonly tenantIds: Readonly<Record<string, string>>;
  /** Closes the interval since the previous mark and answers the server's usage over it. */
  mark(label: string): Promise<ServerUsage>;
  /** Runs a full garbage collection in the server. */
  gc(): Promise<ServerHeap>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly databaseUrl: string;
  readonly poolSize: number;
  readonly logLevel: string;
  /** Further Roster settings for the server. */
  readonly env?: Readonly<Record<string, string>>;
  readonly tenants: readonly string[];
  /** Where per-interval CPU profiles go (profiling is off without it). */
  readonly profileDir?: string;
  readonly cwd: string;
  /** The program to run: Roster (serve.ts, the default) or the bare floor (bare-server.ts). */
  readonly program?: 'serve.ts' | 'bare-server.ts';
}

/**
 * How every bench server runs: Roster's default pool size, warnings and errors only, and the
 * per-credential and per-IP rate limits off (the bench measures capacity, not the guards).
 */
export const BENCH_SERVER_SETTINGS = {
  poolSize: 10, // Roster's default DB_POOL_SIZE
  logLevel: 'warn' as const,
  serverEnv: { RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0' },
};

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * The node flags of `npm start` (package.json: `node <flags> bin/roster.js serve`), so that the
 * process measured starts as customers start it, flags V8 reads only at start included.
 */
export function npmStartNodeFlags(root: string): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  const words = start.split(/\s+/).filter((w) => w !== '');
  const script = words.indexOf('bin/roster.js');
  if (words[0] !== 'node' || script < 0 || words[script + 1] !== 'serve') throw new Error(`npm start is not "node [flags] bin/roster.js serve": ${start}`);
  return words.slice(1, script);
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  // Roster's server starts with the node flags `npm start` gives it; the bare floor with none.
  const nodeFlags = (options.program ?? 'serve.ts') === 'serve.ts' ? npmStartNodeFlags(options.cwd) : [];
  const child: Child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(BENCH_DIR, options.program ?? 'serve.ts')], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      DATABASE_URL: options.databaseUrl,
      DB_POOL_SIZE: String(options.poolSize),
      LOG_LEVEL: options.logLevel,
      HOST: '127.0.0.1',
      PORT: '0',
      BENCH_TENANTS: options.tenants.join(','),
      ...(options.profileDir ? { BENCH_PROFILE_DIR: options.profileDir } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      liveChildren.delete(child);
      resolve();
    }),
  );
  const log: ServerLog = { levels: {}, lines: [], tail: [] };
  const note = (line: string, fallbackLevel: string) => {
    let level = fallbackLevel;
    try {
      const parsed = JSON.parse(line) as { level?: unknown };
      if (typeof parsed.level === 'number') level = PINO_LEVELS[parsed.level] ?? String(parsed.level);
    } catch {
      // Not a JSON log line: counted under the stream's name.
    }
    log.levels[level] = (log.levels[level] ?? 0) + 1;
    if (log.lines.length < 40) log.lines.push(line.slice(0, 2000));
    else {
      log.tail.push(line.slice(0, 2000));
      if (log.tail.length > 20) log.tail.shift();
    }
  };
  const waitingMarks: { resolve: (usage: ServerUsage) => void; reject: (error: Error) => void }[] = [];
  const waitingGcs: { resolve: (heap: ServerHeap) => void; reject: (error: Error) => void }[] = [];
  child.stdin.on('error', () => {}); // EPIPE when the child died; its exit is reported instead
  child.once('exit', (code, signal) => {
    for (const waiting of [...waitingMarks.splice(0), ...waitingGcs.splice(0)]) waiting.reject(new Error(`the bench server exited (code ${code}, signal ${signal})`));
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench server did not start within 60 s; its output:\n${log.lines.join('\n')}`));
    }, 60_000);
    createInterface({ input: child.stderr }).on('line', (line) => note(line, 'stderr'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('BENCH_MARK ')) {
        const raw = JSON.parse(line.slice('BENCH_MARK '.length)) as Omit<ServerUsage, 'cpuShare'>;
        waitingMarks.shift()?.resolve({ ...raw, cpuShare: (raw.cpuUserMs + raw.cpuSystemMs) / raw.wallMs });
        return;
      }
      if (line.startsWith('BENCH_GC ')) {
        waitingGcs.shift()?.resolve(JSON.parse(line.slice('BENCH_GC '.length)) as ServerHeap);
        return;
      }
      if (!line.startsWith('BENCH_READY ')) return note(line, 'stdout');
      clearTimeout(timer);
      const ready = JSON.parse(line.slice('BENCH_READY '.length)) as { port: number; pid: number; tokens: Record<string, string>; tenantIds: Record<string, string> };
      resolve({
        port: ready.port,
        pid: ready.pid,
        tokens: ready.tokens,
        tenantIds: ready.tenantIds,
        log,
        mark(label) {
          return new Promise((resolveMark, rejectMark) => {
            if (child.exitCode !== null || child.signalCode !== null) return rejectMark(new Error('the bench server has exited'));
            waitingMarks.push({ resolve: resolveMark, reject: rejectMark });
            child.stdin.write(`mark ${label}\n`);
          });
        },
        gc() {
          return new Promise((resolveGc, rejectGc) => {
            if (child.exitCode !== null || child.signalCode !== null) return rejectGc(new Error('the bench server has exited'));
            waitingGcs.push({ resolve: resolveGc, reject: rejectGc });
            child.stdin.write('gc\n');
          });
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(force);
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited (code ${code}, signal ${signal}) before it was ready; its output:\n${log.lines.join('\n')}`));
    });
  });
}
