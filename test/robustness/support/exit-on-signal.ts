/**
 * A test file stopped by a signal (the runner cancelling it, Ctrl-C) must still stop the servers
 * and database clusters it started: the default action of SIGTERM skips 'exit' handlers, so the
 * signal is turned into an exit, which runs them.
 */
let installed = false;

export function exitOnSignal(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15)));
  }
}
