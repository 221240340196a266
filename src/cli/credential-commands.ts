import { issueCredential, listCredentials, revokeCredential } from '../provisioning/credentials/manage-credentials.js';
import { formatBasicKey } from '../provisioning/credentials/secrets.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import { dispatch, missing, noExtra } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

/** `roster token create|list|revoke`: bearer tokens, shown once at creation. */
export async function tokenCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  return dispatch(
    'token',
    'usage: roster token <subcommand>',
    {
      create: {
        usage: 'roster token create <slug> [--label L] [--json]              mint a bearer token (printed once)',
        flags: { label: 'value', json: 'boolean' },
        run: (args) => {
          noExtra('token create', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('token create', 'a tenant slug');
          const label = args.flags.get('label');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            const issued = await issueCredential(rt, tenant.id, 'bearer', typeof label === 'string' ? label : 'SCIM token');
            if (args.flags.has('json')) io.out(JSON.stringify({ id: issued.credential.id, tenant: tenant.slug, label: issued.credential.label, token: issued.secret }));
            else {
              io.out(issued.secret);
              io.err(`token ${issued.credential.id} for tenant ${tenant.slug} — copy it now: it is not shown again.`);
            }
            return 0;
          });
        },
      },
      list: {
        usage: "roster token list <slug> [--json]                            a tenant's credentials (tokens and Basic keys)",
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('token list', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('token list', 'a tenant slug');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            const credentials = await listCredentials(rt, tenant.id);
            if (args.flags.has('json')) {
              io.out(
                JSON.stringify(
                  credentials.map((c) => ({
                    id: c.id,
                    kind: c.kind,
                    label: c.label,
                    ...(c.kind === 'basic' ? { key: formatBasicKey(c.id) } : {}),
                    created: new Date(c.createdMs).toISOString(),
                    lastUsed: c.lastUsedMs === null ? null : new Date(c.lastUsedMs).toISOString(),
                    revoked: c.revokedMs === null ? null : new Date(c.revokedMs).toISOString(),
                  })),
                ),
              );
            } else {
              io.out(['ID', 'KIND', 'LABEL', 'CREATED', 'LAST USED', 'REVOKED'].join('\t'));
              for (const c of credentials) {
                io.out([c.id, c.kind, c.label, when(c.createdMs), when(c.lastUsedMs), c.revokedMs === null ? '-' : when(c.revokedMs)].join('\t'));
              }
            }
            return 0;
          });
        },
      },
      revoke: {
        usage: 'roster token revoke <slug> <credential-id> [--json]          revoke a credential',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('token revoke', args.positional, 2);
          const [slug, credentialId] = args.positional;
          if (!slug || !credentialId) missing('token revoke', 'a tenant slug and a credential id');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            await revokeCredential(rt, tenant.id, credentialId);
            io.out(args.flags.has('json') ? JSON.stringify({ id: credentialId, tenant: tenant.slug, revoked: true }) : `revoked ${credentialId}`);
            return 0;
          });
        },
      },
    },
    argv,
  );
}

/** `roster basic create <slug>`: a key/secret pair for IdPs that only offer HTTP Basic. */
export async function basicCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  return dispatch(
    'basic',
    'usage: roster basic <subcommand>   (list and revoke: roster token list|revoke)',
    {
      create: {
        usage: 'roster basic create <slug> [--label L] [--json]              mint a key/secret pair for HTTP Basic',
        flags: { label: 'value', json: 'boolean' },
        run: (args) => {
          noExtra('basic create', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('basic create', 'a tenant slug');
          const label = args.flags.get('label');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            const issued = await issueCredential(rt, tenant.id, 'basic', typeof label === 'string' ? label : 'SCIM basic auth');
            if (args.flags.has('json')) {
              io.out(JSON.stringify({ id: issued.credential.id, tenant: tenant.slug, label: issued.credential.label, key: issued.key, secret: issued.secret }));
            } else {
              io.out(`key:    ${issued.key}`);
              io.out(`secret: ${issued.secret}`);
              io.err('copy the secret now: it is not shown again.');
            }
            return 0;
          });
        },
      },
    },
    argv,
  );
}
