import { createInterface } from 'node:readline/promises';
import { loadConfig, type RosterConfig } from '../config/config.js';
import { uuidv7, type ProvisioningRuntime } from '../provisioning/runtime.js';
import { openStore } from '../storage/open-store.js';

/** Where a command prints; tests capture it. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Asks the person at the terminal a question; undefined when there is no terminal to ask. */
export type Prompt = (question: string) => Promise<string | undefined>;

/** Asks on stderr (stdout may be a pipe or --json) and reads one line from a terminal stdin. */
export const askOnTerminal: Prompt = async (question) => {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
};

/**
 * Makes a closed stdout (`roster tenant list | head -1`) end the command quietly with exit 0, as
 * `cat` and `ls` do: the reader has all it wanted. Without this, the write's EPIPE surfaces as an
 * unhandled error, or inside a database read as "the database is unavailable".
 */
let watchingStdout = false;
export function exitQuietlyWhenStdoutCloses(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}

/** Opens the configured database for one command and closes it afterwards. */
export async function withRuntime<T>(configFlags: readonly string[], work: (rt: ProvisioningRuntime, config: RosterConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, configFlags);
  const store = await openStore({ databaseUrl: config.databaseUrl, poolSize: 2 });
  try {
    return await work({ store, now: Date.now, newId: () => uuidv7() }, config);
  } finally {
    await store.close();
  }
}

/** A timestamp for people: ISO time, or "never". */
export function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString();
}
