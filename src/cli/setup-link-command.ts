import { createSetupLink, linkState, listSetupLinks, parseLifetime, revokeSetupLink } from '../provisioning/setup/setup-links.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import type { SetupBranding } from '../storage/admin-store.js';
import { dispatch, missing, noExtra, type ParsedArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

/** `roster setup-link create|list|revoke`: links that let a customer's IT admin set up provisioning alone. */
export async function setupLinkCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const value = (args: ParsedArgs, name: string) => {
    const v = args.flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  return dispatch(
    'setup-link',
    "usage: roster setup-link <subcommand>   (links for a customer's IT admin to set up provisioning alone)",
    {
      create: {
        usage:
          'roster setup-link create <slug> [--idp okta] [--expires 7d] [--single-use] [--product-name N] [--logo-url U] [--accent #rrggbb] [--return-url U] [--preview|--live] [--json]\n' +
          '       a tenant that holds nothing yet opens in preview unless --live; --preview refuses a live tenant that holds data',
        flags: {
          idp: 'value',
          expires: 'value',
          'single-use': 'boolean',
          'product-name': 'value',
          'logo-url': 'value',
          accent: 'value',
          'return-url': 'value',
          preview: 'boolean',
          live: 'boolean',
          json: 'boolean',
        },
        run: (args) => {
          noExtra('setup-link create', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('setup-link create', 'a tenant slug');
          const json = args.flags.has('json');
          return withRuntime(args.passthrough, async (rt, config) => {
            const tenant = await findTenantBySlug(rt, slug);
            const branding: { -readonly [K in keyof SetupBranding]: string } = {};
            const productName = value(args, 'product-name');
            const logoUrl = value(args, 'logo-url');
            const accent = value(args, 'accent');
            const returnUrl = value(args, 'return-url');
            if (productName !== undefined) branding.productName = productName;
            if (logoUrl !== undefined) branding.logoUrl = logoUrl;
            if (accent !== undefined) branding.accent = accent;
            if (returnUrl !== undefined) branding.returnUrl = returnUrl;
            const expires = value(args, 'expires');
            const idp = value(args, 'idp');
            const made = await createSetupLink(rt, {
              tenantId: tenant.id,
              createdBy: 'cli',
              branding,
              singleUse: args.flags.has('single-use'),
              ...(expires !== undefined ? { lifetimeMs: parseLifetime(expires) } : {}),
              ...(idp !== undefined ? { idp } : {}),
              ...(args.flags.has('live') ? { preview: false } : args.flags.has('preview') ? { preview: true } : {}),
            });
            const base = config.publicUrl || `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
            const url = `${base.replace(/\/+$/, '')}/admin/setup/${made.token}`;
            if (json)
              io.out(
                JSON.stringify({
                  id: made.link.id,
                  tenant: tenant.slug,
                  url,
                  expires: new Date(made.link.expiresMs).toISOString(),
                  singleUse: made.link.singleUse,
                  tenantMode: made.tenantMode,
                }),
              );
            else {
              io.out(url);
              io.err(
                `setup link ${made.link.id} for tenant ${tenant.slug}, ${made.link.singleUse ? 'single use, ' : ''}until ${when(made.link.expiresMs)} — send it now: it is not shown again.`,
              );
              if (made.tenantMode === 'preview') io.err(`tenant ${tenant.slug} is in preview: its first sync is kept from the host until someone presses Go live.`);
              if (!config.publicUrl) io.err("PUBLIC_URL is not set: the link uses this server's own address; set PUBLIC_URL to the address your customers reach.");
            }
            return 0;
          });
        },
      },
      list: {
        usage: "roster setup-link list <slug> [--json]                     a tenant's setup links and their state",
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('setup-link list', args.positional, 1);
          const [slug] = args.positional;
          if (!slug) missing('setup-link list', 'a tenant slug');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            const links = await listSetupLinks(rt, tenant.id);
            const now = rt.now();
            if (args.flags.has('json')) {
              io.out(
                JSON.stringify(
                  links.map((l) => ({
                    id: l.id,
                    state: linkState(l, now),
                    idp: l.idp,
                    singleUse: l.singleUse,
                    uses: l.uses,
                    createdBy: l.createdBy,
                    created: new Date(l.createdMs).toISOString(),
                    expires: new Date(l.expiresMs).toISOString(),
                    lastUsed: l.lastUsedMs === null ? null : new Date(l.lastUsedMs).toISOString(),
                  })),
                ),
              );
            } else {
              io.out(['ID', 'STATE', 'IDP', 'USES', 'CREATED', 'EXPIRES', 'BY'].join('\t'));
              for (const l of links)
                io.out([l.id, linkState(l, now), l.idp ?? '-', `${l.uses}${l.singleUse ? '/1' : ''}`, when(l.createdMs), when(l.expiresMs), l.createdBy].join('\t'));
            }
            return 0;
          });
        },
      },
      revoke: {
        usage: 'roster setup-link revoke <slug> <link-id> [--json]          withdraw a link (its sessions end)',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('setup-link revoke', args.positional, 2);
          const [slug, linkId] = args.positional;
          if (!slug || !linkId) missing('setup-link revoke', 'a tenant slug and a link id');
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            await revokeSetupLink(rt, tenant.id, linkId);
            io.out(args.flags.has('json') ? JSON.stringify({ revoked: linkId }) : `revoked ${linkId}`);
            return 0;
          });
        },
      },
    },
    argv,
  );
}
