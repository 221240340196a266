import { issueCredential, listCredentials, revokeCredential } from '../provisioning/credentials/manage-credentials.js';
import { formatBasicKey } from '../provisioning/credentials/secrets.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import { parseArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

const TOKEN_USAGE =
  'usage: roster token create <slug> [--label L] [--json] | roster token list <slug> [--json] | roster token revoke <slug> <credential-id>';

/** `roster token create|list|revoke`: bearer tokens, shown once at creation. */
export async function tokenCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { label: 'value', json: 'boolean' });
  const [action, slug, credentialId] = args.positional;
  const json = args.flags.has('json');
  if (!slug || !action) {
    io.err(TOKEN_USAGE);
    return 2;
  }
  return withRuntime(args.passthrough, async (rt) => {
    const tenant = await findTenantBySlug(rt, slug);
    if (action === 'create') {
      const label = args.flags.get('label');
      const issued = await issueCredential(rt, tenant.id, 'bearer', typeof label === 'string' ? label : 'SCIM token');
      if (json) io.out(JSON.stringify({ id: issued.credential.id, tenant: tenant.slug, label: issued.credential.label, token: issued.secret }));
      else {
        io.out(issued.secret);
        io.err(`token ${issued.credential.id} for tenant ${tenant.slug} — copy it now: it is not shown again.`);
      }
      return 0;
    }
    if (action === 'list') {
      const credentials = await listCredentials(rt, tenant.id);
      if (json) {
        io.out(JSON.stringify(credentials.map((c) => ({
          id: c.id, kind: c.kind, label: c.label, ...(c.kind === 'basic' ? { key: formatBasicKey(c.id) } : {}),
          created: new Date(c.createdMs).toISOString(),
          lastUsed: c.lastUsedMs === null ? null : new Date(c.lastUsedMs).toISOString(),
          revoked: c.revokedMs === null ? null : new Date(c.revokedMs).toISOString(),
        }))));
      } else {
        io.out(['ID', 'KIND', 'LABEL', 'CREATED', 'LAST USED', 'REVOKED'].join('\t'));
        for (const c of credentials) {
          io.out([c.id, c.kind, c.label, when(c.createdMs), when(c.lastUsedMs), c.revokedMs === null ? '-' : when(c.revokedMs)].join('\t'));
        }
      }
      return 0;
    }
    if (action === 'revoke' && credentialId) {
      await revokeCredential(rt, tenant.id, credentialId);
      io.out(`revoked ${credentialId}`);
      return 0;
    }
    io.err(TOKEN_USAGE);
    return 2;
  });
}

/** `roster basic create <slug>`: a key/secret pair for IdPs that only offer HTTP Basic. */
export async function basicCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { label: 'value', json: 'boolean' });
  const [action, slug] = args.positional;
  if (action !== 'create' || !slug) {
    io.err('usage: roster basic create <slug> [--label L] [--json]   (list and revoke: roster token list|revoke)');
    return 2;
  }
  return withRuntime(args.passthrough, async (rt) => {
    const tenant = await findTenantBySlug(rt, slug);
    const label = args.flags.get('label');
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
}
