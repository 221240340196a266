import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseMountPath } from '../http/mount-path.js';
import { startEmbedded, type EmbeddedRoster, type RosterOptions } from './embed.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Roster registered with rosterPlugin: tenants, SCIM tokens, host keys, console admins. */
    roster: EmbeddedRoster;
  }
}

/** rosterPlugin's options: Roster's, and the prefix its routes go under. */
export interface RosterPluginOptions extends RosterOptions {
  readonly prefix?: string;
}

/**
 * Mounts Roster in a host's Fastify app: `app.register(rosterPlugin, { prefix: '/scim-service',
 * database })`. Every path under the prefix is handed, body unread, to Roster's own app, so SCIM,
 * the console and the host API behave exactly as standalone (case-blind paths, Roster's body
 * limit and error bodies). Roster starts with the registration (migrations included) and stops in
 * the host's onClose; `app.roster` administers it. It defaults to the host's logger.
 */
async function roster(host: FastifyInstance, options: RosterPluginOptions): Promise<void> {
  const prefix = normaliseMountPath(options.prefix ?? '');
  const embedded = await startEmbedded({ ...options, logger: options.logger ?? host.log });
  host.decorate('roster', embedded);
  host.addHook('onClose', async () => embedded.close());
  await host.register(
    async (mounted) => {
      // The body is Roster's to read (it has its own media types, limit and errors): nothing here parses it.
      mounted.removeAllContentTypeParsers();
      mounted.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      const forward = (request: FastifyRequest, reply: FastifyReply): void => {
        reply.hijack();
        embedded.handle(request.raw, reply.raw, '', mounted.prefix);
      };
      mounted.all('/', forward);
      mounted.all('/*', forward);
    },
    { prefix },
  );
}

/**
 * Not encapsulated (Fastify's `skip-override`), so that `app.roster` is the host's; the routes are
 * still registered in a context of their own, under the prefix.
 */
export const rosterPlugin = Object.assign(roster, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'roster',
});
