import { createServer } from '../app/create-server.js';
import { applyServingV8 } from '../app/serving-v8.js';
import { describeSettings, loadConfig } from '../config/config.js';
import { noExtra, parseArgs } from './args.js';
import type { CliOutput } from './context.js';

/** `roster serve`: runs until SIGINT/SIGTERM, then finishes in-flight requests and exits. */
export async function serveCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const usage = `usage: roster serve [--port N] [--host H] [--database-url URL] …\n\nSettings (environment variable, or --flag in kebab case):\n${describeSettings()}`;
  const args = parseArgs(argv, {}, usage, 'serve', { noJson: 'it runs the server, whose log lines are JSON already' });
  noExtra('serve', args.positional, 0);
  const config = loadConfig(process.env, args.passthrough);
  applyServingV8(config.heapMode);
  const server = await createServer(config);
  const address = await server.listen();
  io.err(`roster listening on ${address} (database: ${server.store.engine})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.err(`${signal}: finishing in-flight requests…`);
      const force = setTimeout(() => {
        io.err('shutdown grace period over; exiting');
        process.exit(1);
      }, config.shutdownGraceMs);
      force.unref();
      server.close().then(resolve, (error: unknown) => {
        io.err(`error while closing: ${error instanceof Error ? error.message : String(error)}`);
        resolve();
      });
    };
    // SIGHUP: the TLS certificate and key are read again (they are also watched for changes).
    const reload = () => {
      if (!config.tls) return;
      void server
        .reloadTls()
        .then((ok) => io.err(ok ? 'SIGHUP: TLS certificate and key reloaded' : 'SIGHUP: reloading TLS failed; still serving the previous certificate'));
    };
    process.on('SIGHUP', reload);
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
