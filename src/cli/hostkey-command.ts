import { issueHostKey, listHostKeys, revokeHostKey, type HostKeyView } from '../provisioning/host-keys/host-keys.js';
import { dispatch, missing, noExtra } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

const toJson = (k: HostKeyView) => ({
  id: k.id,
  tenant: k.tenant,
  label: k.label,
  created: new Date(k.createdMs).toISOString(),
  lastUsed: k.lastUsedMs === null ? null : new Date(k.lastUsedMs).toISOString(),
  revoked: k.revokedMs === null ? null : new Date(k.revokedMs).toISOString(),
});

/** `roster hostkey create|list|revoke`: keys for the host product's API (`/host/v1`), separate from SCIM credentials. */
export async function hostkeyCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  return dispatch(
    'hostkey',
    "usage: roster hostkey <subcommand>   (keys for the host product's API, /host/v1)",
    {
      create: {
        usage: 'roster hostkey create [--tenant <slug>] [--label L] [--json]  a host API key (printed once); all tenants without --tenant',
        flags: { tenant: 'value', label: 'value', json: 'boolean' },
        run: (args) => {
          noExtra('hostkey create', args.positional, 0);
          const tenant = args.flags.get('tenant');
          const label = args.flags.get('label');
          return withRuntime(args.passthrough, async (rt) => {
            const { key, secret } = await issueHostKey(rt, {
              ...(typeof tenant === 'string' ? { tenantSlug: tenant } : {}),
              ...(typeof label === 'string' ? { label } : {}),
            });
            if (args.flags.has('json')) io.out(JSON.stringify({ ...toJson(key), key: secret }));
            else {
              io.out(secret);
              io.err(`host key ${key.id} for ${key.tenant ?? 'all tenants'} — copy it now: it is not shown again.`);
            }
            return 0;
          });
        },
      },
      list: {
        usage: 'roster hostkey list [--json]                                 host API keys',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('hostkey list', args.positional, 0);
          return withRuntime(args.passthrough, async (rt) => {
            const keys = await listHostKeys(rt);
            if (args.flags.has('json')) io.out(JSON.stringify(keys.map(toJson)));
            else {
              io.out(['ID', 'TENANT', 'LABEL', 'CREATED', 'LAST USED', 'REVOKED'].join('\t'));
              for (const k of keys)
                io.out([k.id, k.tenant ?? '*', k.label, when(k.createdMs), when(k.lastUsedMs), k.revokedMs === null ? '-' : when(k.revokedMs)].join('\t'));
            }
            return 0;
          });
        },
      },
      revoke: {
        usage: 'roster hostkey revoke <id> [--json]                          revoke a host API key',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('hostkey revoke', args.positional, 1);
          const [id] = args.positional;
          if (!id) missing('hostkey revoke', 'a host key id');
          return withRuntime(args.passthrough, async (rt) => {
            await revokeHostKey(rt, id);
            io.out(args.flags.has('json') ? JSON.stringify({ id, revoked: true }) : `revoked host key ${id}`);
            return 0;
          });
        },
      },
    },
    argv,
  );
}
