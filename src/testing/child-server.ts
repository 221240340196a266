import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./serve-process.ts', import.meta.url));

export interface ChildServer {
  readonly process: ChildProcess;
  /** http(s)://127.0.0.1:<port> */
  readonly base: string;
  readonly output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `roster serve` as its own OS process on an ephemeral port; resolves once it listens. */
export async function startChildServer(env: Record<string, string>, name: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_POOL_SIZE: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    // Generous: compiling the sources with tsx on a machine busy with other suites can take a minute.
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 180 s:\n${output.join('')}`)), 180_000);
    child.stderr?.on('data', (d: Buffer) => {
      output.push(d.toString());
      const m = /roster listening on (https?:\/\/\S+)/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output.join('')}`));
    });
  });
  return {
    process: child,
    base,
    output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
