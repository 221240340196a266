import type { IncomingMessage, ServerResponse } from 'node:http';
import { normaliseMountPath } from '../http/mount-path.js';
import { startEmbedded, type EmbeddedRoster, type RosterOptions } from './embed.js';

/** createRosterHandler's options: Roster's, and the path to take off URLs that still carry it. */
export interface RosterHandlerOptions extends RosterOptions {
  /**
   * With a plain `http.createServer`, the path Roster is mounted under (requests outside it get
   * 404). Under Express, leave it out: `app.use('/roster', handler)` already takes `/roster` off
   * and says so in `req.baseUrl`, which Roster reads.
   */
  readonly prefix?: string;
}

/** A Node `(req, res)` handler serving Roster, with its start and stop. */
export interface RosterHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Resolves once Roster has opened and migrated its database (requests wait for it meanwhile); rejects if it cannot. */
  ready(): Promise<EmbeddedRoster>;
  /** Stops Roster's background work and closes its connections; call it when the host shuts down. */
  close(): Promise<void>;
}

/**
 * Roster as a plain Node request handler, for Express (`app.use('/roster', createRosterHandler({
 * database }))`), Connect-style stacks or `http.createServer`. It needs nothing of Express: it reads
 * only Node's request and Express's `baseUrl` when there is one. Mount it before any body parser.
 */
export function createRosterHandler(options: RosterHandlerOptions): RosterHandler {
  const strip = normaliseMountPath(options.prefix ?? '');
  const starting = startEmbedded(options);
  // A failed start is reported by ready() and by a 503 to each request, never as an unhandled rejection.
  starting.catch(() => {});
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const baseUrl = (req as IncomingMessage & { baseUrl?: unknown }).baseUrl;
    starting.then(
      (roster) => roster.handle(req, res, typeof baseUrl === 'string' ? baseUrl : '', strip),
      () => {
        // Why is the host's to read (ready() rejects with it), not the client's.
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Roster could not start; the host application has the reason\n');
      },
    );
  };
  return Object.assign(handler, {
    ready: () => starting,
    async close() {
      const roster = await starting.catch(() => undefined);
      await roster?.close();
    },
  });
}
