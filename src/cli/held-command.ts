import { approveHeldChange, discardHeldChange, listHeldChanges } from '../provisioning/guard/decide-held-change.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { parseArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

const USAGE = 'usage: roster held list <slug> [--all] [--json] | roster held approve <slug> <id> | roster held discard <slug> <id>';

/** `roster held list|approve|discard`: changes the mass-change guard held for an admin. */
export async function heldCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { json: 'boolean', all: 'boolean' });
  const [action, slug, id] = args.positional;
  if (!action || !slug) {
    io.err(USAGE);
    return 2;
  }
  return withRuntime(args.passthrough, async (rt) => {
    const tenant = await findTenantBySlug(rt, slug);
    const scope = { tenantId: tenant.id };
    if (action === 'list') {
      const changes = await listHeldChanges(rt, scope, args.flags.has('all') ? undefined : 'held');
      if (args.flags.has('json')) io.out(JSON.stringify(changes.map(({ payload: _payload, ...rest }) => rest)));
      else {
        io.out(['ID', 'KIND', 'RESOURCE', 'STATUS', 'HELD AT', 'REASON'].join('\t'));
        for (const c of changes) io.out([c.id, c.kind, c.resourceId, c.status, when(c.createdMs), c.reason].join('\t'));
      }
      return 0;
    }
    if ((action === 'approve' || action === 'discard') && id) {
      const decided = action === 'approve' ? await approveHeldChange(rt, scope, id, tenantSettings(tenant)) : await discardHeldChange(rt, scope, id);
      io.out(`${decided.kind} of ${decided.resourceId}: ${decided.status}`);
      return 0;
    }
    io.err(USAGE);
    return 2;
  });
}
