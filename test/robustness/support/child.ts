/**
 * Starts `roster serve` (support/serve.ts) in a child process on 127.0.0.1 and a free port, and
 * kills it however the test ends.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { exitOnSignal } from './exit-on-signal.js';

const SERVE = join(dirname(fileURLToPath(import.meta.url)), 'serve.ts');
type Child = ChildProcessByStdio<null, Readable, Readable>;
const live = new Set<Child>();
exitOnSignal();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ChildServer {
  readonly pid: number;
  /** http://127.0.0.1:port */
  readonly base: string;
  /** Everything the server printed (stderr and stdout), for diagnostics. */
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL if still running; waits for the exit. */
  destroy(): Promise<void>;
}

/**
 * Roster settings for load: rate limits off (they have their own tests), warnings and errors logged.
 * `env` overrides them.
 */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child: Child = spawn(process.execPath, ['--import', 'tsx', SERVE], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_CREDENTIAL: '0',
      RATE_LIMIT_PER_IP: '0',
      AUTH_FAILURES_PER_IP: '0',
      WEBHOOK_DELIVERY: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  createInterface({ input: child.stdout }).on('line', (line) => output.push(line));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`roster serve did not start within 60 s:\n${output.join('\n')}`));
    }, 60_000);
    createInterface({ input: child.stderr }).on('line', (line) => {
      output.push(line);
      const match = /roster listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`roster serve exited (code ${code}, signal ${signal}) before listening:\n${output.join('\n')}`));
    });
  });
  return {
    pid: child.pid ?? -1,
    base,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
