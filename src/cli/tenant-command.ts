import type { RosterConfig } from '../config/config.js';
import { deleteTenant, describeRemoved } from '../provisioning/tenants/delete-tenant.js';
import { createTenant, findTenantBySlug, listTenants, renameTenant, setProvisioningEnabled, updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { discardPreview, goLive } from '../provisioning/tenants/tenant-preview.js';
import { DEFAULT_SETTINGS, isSettingName, tenantSettings, type SettingName, type TenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { dispatch, missing, noExtra, UsageError, type ParsedArgs } from './args.js';
import { askOnTerminal, when, withRuntime, type CliOutput, type Prompt } from './context.js';
import { SETTING_FLAGS, settingFlagTable, settingFlagsHelp, settingsChange } from './settings-flags.js';

const settingsHelp = settingFlagsHelp();

/** Where the tenant's SCIM endpoints are, as an IdP is told. */
function baseUrl(config: RosterConfig): string {
  return config.publicUrl || `http://${config.host}:${config.port}`;
}

/** Lines that read better than a value each; every other setting is printed as its flag and value. */
const SUMMARIES: readonly { readonly covers: readonly SettingName[]; line(settings: TenantSettings): string }[] = [
  { covers: ['supportedLanguages'], line: (s) => `supported languages:  ${s.supportedLanguages.join(', ')}` },
  { covers: ['matchingField'], line: (s) => `matching field:       ${s.matchingField}` },
  { covers: ['extensionUrn'], line: (s) => `extension URN:        ${s.extensionUrn}` },
  { covers: ['ssoMayUpdate'], line: (s) => `SSO may update:       ${s.ssoMayUpdate ? 'yes' : 'no (SCIM is the source of truth)'}` },
  {
    covers: ['valueRules'],
    line: (s) =>
      `value rules:          ${s.valueRules === 'enforce' ? 'enforce (a value breaking a rule gets 400; nothing written)' : 'report (a value breaking a rule is kept as sent and flagged on the person)'}${s.valueRules === DEFAULT_SETTINGS.valueRules ? ' — the default' : ''}`,
  },
  {
    covers: ['massChangeGuard', 'massChangePercent', 'massChangeWindowMinutes', 'massChangeMinActive', 'massChangeGroupSize'],
    line: (s) =>
      `mass-change guard:    ${s.massChangeGuard === 'off' ? 'off' : `on: hold removals past ${s.massChangePercent}% of active people within ${s.massChangeWindowMinutes} min (tenants of ${s.massChangeMinActive}+), and emptying groups of more than ${s.massChangeGroupSize}`}`,
  },
  {
    covers: ['logRetentionDays', 'eventRetentionDays'],
    line: (s) => `retention:            provisioning log ${s.logRetentionDays} days; delivered events ${s.eventRetentionDays} days`,
  },
];

function printSettings(io: CliOutput, settings: TenantSettings): void {
  for (const summary of SUMMARIES) io.out(summary.line(settings));
  const covered = new Set(SUMMARIES.flatMap((s) => s.covers));
  for (const f of SETTING_FLAGS) {
    if (!isSettingName(f.setting) || covered.has(f.setting)) continue;
    const value = settings[f.setting];
    io.out(`${`${f.flag}:`.padEnd(21)} ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  }
}

/** A positional slug, the one argument most subcommands take. */
function slugOf(command: string, args: ParsedArgs): string {
  noExtra(command, args.positional, 1);
  const [slug] = args.positional;
  if (!slug) missing(command, 'a tenant slug');
  return slug;
}

/** `roster tenant …`: tenants, their settings, switching provisioning off and on, renaming and deleting them. */
export async function tenantCommand(argv: readonly string[], io: CliOutput, prompt: Prompt = askOnTerminal): Promise<number> {
  return dispatch(
    'tenant',
    'usage: roster tenant <subcommand>',
    {
      create: {
        usage:
          'roster tenant create <slug> [--name "Display name"] [--preview] [--json]\n' +
          '                                                               create a tenant (in preview: nothing reaches the host until go-live)',
        flags: { name: 'value', preview: 'boolean', json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant create', args);
          const name = args.flags.get('name');
          const mode = args.flags.has('preview') ? 'preview' : 'live';
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await createTenant(rt, { slug, mode, ...(typeof name === 'string' ? { name } : {}) });
            io.out(
              args.flags.has('json')
                ? JSON.stringify({ id: tenant.id, slug: tenant.slug, name: tenant.name, mode: tenant.mode })
                : `created tenant ${tenant.slug} (${tenant.id})${tenant.mode === 'preview' ? ' in preview: `roster tenant go-live` when its first sync looks right' : ''}`,
            );
            return 0;
          });
        },
      },
      list: {
        usage: 'roster tenant list [--json]                                    tenants with their last SCIM request and change',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('tenant list', args.positional, 0);
          return withRuntime(args.passthrough, async (rt) => {
            const tenants = await listTenants(rt);
            if (args.flags.has('json')) {
              io.out(
                JSON.stringify(
                  tenants.map((t) => ({
                    id: t.id,
                    slug: t.slug,
                    name: t.name,
                    provisioningEnabled: t.provisioningEnabled,
                    mode: t.mode,
                    lastScimRequest: t.lastRequestMs === null ? null : new Date(t.lastRequestMs).toISOString(),
                    lastScimChange: t.lastChangeMs === null ? null : new Date(t.lastChangeMs).toISOString(),
                  })),
                ),
              );
            } else {
              io.out(['SLUG', 'NAME', 'MODE', 'PROVISIONING', 'LAST SCIM REQUEST', 'LAST SCIM CHANGE'].join('\t'));
              for (const t of tenants) io.out([t.slug, t.name, t.mode, t.provisioningEnabled ? 'on' : 'off', when(t.lastRequestMs), when(t.lastChangeMs)].join('\t'));
            }
            return 0;
          });
        },
      },
      settings: {
        usage: `${'roster tenant settings <slug> [--json]'.padEnd(63)}show or change a tenant's settings\n       ${settingsHelp.synopsis}`,
        details: settingsHelp.details,
        flags: { ...settingFlagTable(), json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant settings', args);
          const change = settingsChange(args);
          return withRuntime(args.passthrough, async (rt) => {
            const settings = Object.keys(change).length > 0 ? await updateTenantSettings(rt, slug, change) : tenantSettings(await findTenantBySlug(rt, slug));
            if (args.flags.has('json')) io.out(JSON.stringify(settings));
            else printSettings(io, settings);
            return 0;
          });
        },
      },
      ...Object.fromEntries(
        (['disable', 'enable'] as const).map((action) => [
          action,
          {
            usage: `roster tenant ${action} <slug> [--json]${' '.repeat(action === 'enable' ? 27 : 26)}switch SCIM provisioning ${action === 'enable' ? 'on again' : 'off (403); credentials are kept'}`,
            flags: { json: 'boolean' as const },
            run: (args: ParsedArgs) => {
              const slug = slugOf(`tenant ${action}`, args);
              return withRuntime(args.passthrough, async (rt) => {
                const tenant = await setProvisioningEnabled(rt, slug, action === 'enable');
                io.out(
                  args.flags.has('json')
                    ? JSON.stringify({ slug: tenant.slug, provisioningEnabled: tenant.provisioningEnabled })
                    : `provisioning ${action === 'enable' ? 'on' : 'off'} for ${slug}`,
                );
                return 0;
              });
            },
          },
        ]),
      ),
      rename: {
        usage: 'roster tenant rename <slug> [--slug NEW] [--name "New name"] [--json]   change the slug and/or display name',
        flags: { slug: 'value', name: 'value', json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant rename', args);
          const newSlug = args.flags.get('slug');
          const name = args.flags.get('name');
          if (typeof newSlug !== 'string' && typeof name !== 'string') missing('tenant rename', '--slug NEW, --name "New name", or both');
          return withRuntime(args.passthrough, async (rt, config) => {
            const { before, after } = await renameTenant(
              rt,
              slug,
              { ...(typeof newSlug === 'string' ? { slug: newSlug } : {}), ...(typeof name === 'string' ? { name } : {}) },
              'cli',
            );
            const slugChanged = before.slug !== after.slug;
            const base = baseUrl(config);
            if (args.flags.has('json')) {
              io.out(
                JSON.stringify({
                  id: after.id,
                  before,
                  after: { slug: after.slug, name: after.name },
                  ...(slugChanged ? { scimUrl: { before: `${base}/t/${before.slug}/scim/v2`, after: `${base}/t/${after.slug}/scim/v2` } } : {}),
                }),
              );
              return 0;
            }
            if (before.name !== after.name) io.out(`display name: ${before.name} → ${after.name}`);
            if (slugChanged) {
              io.out(`slug: ${before.slug} → ${after.slug}`);
              io.out(
                `The tenant's SCIM URL is now ${base}/t/${after.slug}/scim/v2 — an IdP configured with ${base}/t/${before.slug}/scim/v2 gets 401 until its connector is changed to the new URL.`,
              );
              io.out(
                `An IdP that uses ${base}/scim/v2 (the token names the tenant) needs no change; tokens are kept. Host API paths become /host/v1/tenants/${after.slug}/…`,
              );
            }
            if (before.name === after.name && !slugChanged) io.out(`nothing changed for ${after.slug}`);
            return 0;
          });
        },
      },
      'go-live': {
        usage: 'roster tenant go-live <slug> [--json]                        end a preview: the host gets tenant.live, the snapshot, then events',
        flags: { json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant go-live', args);
          return withRuntime(args.passthrough, async (rt, config) => {
            const tenant = await findTenantBySlug(rt, slug);
            const base = config.publicUrl || `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
            const live = await goLive(rt, tenant, { base, actor: 'cli' });
            io.out(
              args.flags.has('json')
                ? JSON.stringify({ tenant: tenant.slug, mode: 'live', snapshotSeq: live.snapshotSeq, snapshot: live.snapshot })
                : `tenant ${tenant.slug} is live: webhooks get tenant.live (seq ${live.snapshotSeq}) first; the host reads ${live.snapshot}, then events after its seq`,
            );
            return 0;
          });
        },
      },
      'discard-preview': {
        usage: 'roster tenant discard-preview <slug> [--yes] [--json]          delete what a preview stored, keeping the tenant and its credentials (asks first)',
        flags: { yes: 'boolean', json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant discard-preview', args);
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            if (!args.flags.has('yes')) {
              const answer = await prompt(
                `This deletes what tenant ${tenant.slug}'s preview stored: people, groups, folders, pending references, held changes, events and the provisioning log. The tenant, its credentials and admins stay, so the IdP can push again.\nType the slug (${tenant.slug}) to confirm: `,
              );
              if (answer === undefined) throw new UsageError('standard input is not a terminal: pass --yes to discard without the question', 'tenant discard-preview');
              if (answer.trim() !== tenant.slug) {
                io.err(`not confirmed; tenant ${tenant.slug} is unchanged`);
                return 1;
              }
            }
            const removed = await discardPreview(rt, tenant, { actor: 'cli' });
            if (args.flags.has('json'))
              io.out(JSON.stringify({ tenant: tenant.slug, mode: 'preview', removed: { people: removed.users, groups: removed.groups, events: removed.events } }));
            else
              io.out(
                `discarded the preview of ${tenant.slug}: ${removed.users} people, ${removed.groups} groups, ${removed.events} events removed; it waits in preview for the IdP's next push`,
              );
            return 0;
          });
        },
      },
      delete: {
        usage: 'roster tenant delete <slug> [--yes] [--json]                  delete a tenant and everything of it (asks first)',
        flags: { yes: 'boolean', json: 'boolean' },
        run: (args) => {
          const slug = slugOf('tenant delete', args);
          return withRuntime(args.passthrough, async (rt) => {
            const tenant = await findTenantBySlug(rt, slug);
            if (!args.flags.has('yes')) {
              const answer = await prompt(
                `This deletes tenant ${tenant.slug} (${tenant.name}) and everything of it: people, groups, folders, events, the provisioning log, held changes, webhooks and their deliveries, credentials, host keys and tenant admins. It cannot be undone.\nType the slug (${tenant.slug}) to confirm: `,
              );
              if (answer === undefined) throw new UsageError('standard input is not a terminal: pass --yes to delete without the question', 'tenant delete');
              if (answer.trim() !== tenant.slug) {
                io.err(`not confirmed; tenant ${tenant.slug} is unchanged`);
                return 1;
              }
            }
            const { tenant: gone, removed } = await deleteTenant(rt, slug, { actor: 'cli' });
            const counts = describeRemoved(removed);
            if (args.flags.has('json')) {
              io.out(JSON.stringify({ deleted: gone, removed: Object.fromEntries(counts.map(([key, , n]) => [key, n])) }));
            } else {
              io.out(`deleted tenant ${gone.slug} (${gone.id}, ${gone.name}):`);
              for (const [, words, n] of counts) if (n > 0) io.out(`  ${n.toLocaleString('en')} ${words}`);
              if (counts.every(([, , n]) => n === 0)) io.out('  it held nothing else');
            }
            return 0;
          });
        },
      },
    },
    argv,
  );
}
