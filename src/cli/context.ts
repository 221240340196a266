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
