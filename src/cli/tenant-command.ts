import { createTenant, listTenants, setProvisioningEnabled } from '../provisioning/tenants/manage-tenants.js';
import { parseArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

/** `roster tenant create|list|disable|enable`: tenants, and switching their provisioning off and on. */
export async function tenantCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { name: 'value', json: 'boolean' });
  const [action, slug] = args.positional;
  const json = args.flags.has('json');
  if (action === 'create' && slug) {
    const name = args.flags.get('name');
    return withRuntime(args.passthrough, async (rt) => {
      const tenant = await createTenant(rt, { slug, ...(typeof name === 'string' ? { name } : {}) });
      io.out(json ? JSON.stringify({ id: tenant.id, slug: tenant.slug, name: tenant.name }) : `created tenant ${tenant.slug} (${tenant.id})`);
      return 0;
    });
  }
  if (action === 'list') {
    return withRuntime(args.passthrough, async (rt) => {
      const tenants = await listTenants(rt);
      if (json) {
        io.out(JSON.stringify(tenants.map((t) => ({
          id: t.id, slug: t.slug, name: t.name, provisioningEnabled: t.provisioningEnabled,
          lastScimRequest: t.lastRequestMs === null ? null : new Date(t.lastRequestMs).toISOString(),
          lastScimChange: t.lastChangeMs === null ? null : new Date(t.lastChangeMs).toISOString(),
        }))));
      } else {
        io.out(['SLUG', 'NAME', 'PROVISIONING', 'LAST SCIM REQUEST', 'LAST SCIM CHANGE'].join('\t'));
        for (const t of tenants) {
          io.out([t.slug, t.name, t.provisioningEnabled ? 'on' : 'off', when(t.lastRequestMs), when(t.lastChangeMs)].join('\t'));
        }
      }
      return 0;
    });
  }
  if ((action === 'disable' || action === 'enable') && slug) {
    return withRuntime(args.passthrough, async (rt) => {
      await setProvisioningEnabled(rt, slug, action === 'enable');
      io.out(`provisioning ${action === 'enable' ? 'on' : 'off'} for ${slug}`);
      return 0;
    });
  }
  io.err('usage: roster tenant create <slug> [--name "Display name"] [--json] | roster tenant list [--json] | roster tenant disable|enable <slug>');
  return 2;
}
