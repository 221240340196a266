import { approveHeldChange, discardHeldChange, listHeldChanges } from '../provisioning/guard/review-held-change.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { dispatch, missing, noExtra, type Subcommand } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

/** `roster held list|approve|discard`: changes the mass-change guard held for an admin. */
export async function heldCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const decide = (action: 'approve' | 'discard'): Subcommand => ({
    usage: `roster held ${action} <slug> <id> [--json]${' '.repeat(action === 'approve' ? 20 : 20)}${action === 'approve' ? 'apply a held change' : 'drop a held change'}`,
    flags: { json: 'boolean' },
    run: (args) => {
      noExtra(`held ${action}`, args.positional, 2);
      const [slug, id] = args.positional;
      if (!slug || !id) missing(`held ${action}`, 'a tenant slug and a held change id');
      return withRuntime(args.passthrough, async (rt) => {
        const tenant = await findTenantBySlug(rt, slug);
        const scope = { tenantId: tenant.id };
        const decided = action === 'approve' ? await approveHeldChange(rt, scope, id, tenantSettings(tenant)) : await discardHeldChange(rt, scope, id);
        io.out(
          args.flags.has('json')
            ? JSON.stringify({ id, kind: decided.kind, resourceId: decided.resourceId, status: decided.status })
            : `${decided.kind} of ${decided.resourceId}: ${decided.status}`,
        );
        return 0;
      });
    },
  });
  return dispatch(
    'held',
    'usage: roster held <subcommand>   (changes held by the mass-change guard)',
    {
      list: {
        usage: 'roster held list <slug> [--all] [--json]                     held changes (--all: decided ones too)',
        flags: { json: 'boolean', all: 'boolean' },
        run: (args) => {
          noExtra('held list', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('held list', 'a tenant slug');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            const changes = await listHeldChanges(rt, { tenantId: tenant.id }, args.flags.has('all') ? undefined : 'held');
            if (args.flags.has('json')) io.out(JSON.stringify(changes.map(({ payload: _payload, ...rest }) => rest)));
            else {
              io.out(['ID', 'KIND', 'RESOURCE', 'STATUS', 'HELD AT', 'REASON'].join('\t'));
              for (const c of changes) io.out([c.id, c.kind, c.resourceId, c.status, when(c.createdMs), c.reason].join('\t'));
            }
            return 0;
          });
        },
      },
      approve: decide('approve'),
      discard: decide('discard'),
    },
    argv,
  );
}
