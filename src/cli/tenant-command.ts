import { createTenant, findTenantBySlug, listTenants, setProvisioningEnabled, updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { DEFAULT_SETTINGS, tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { JsonObject } from '../json/json-value.js';
import { parseArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

/** `roster tenant create|list|disable|enable`: tenants, and switching their provisioning off and on. */
export async function tenantCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, {
    name: 'value', json: 'boolean', languages: 'value', 'matching-field': 'value', 'extension-urn': 'value', 'sso-may-update': 'value', 'value-rules': 'value',
    'mass-change-guard': 'value', 'mass-change-percent': 'value', 'mass-change-window-minutes': 'value',
    'mass-change-min-active': 'value', 'mass-change-group-size': 'value',
    'log-retention-days': 'value', 'event-retention-days': 'value',
  });
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
  if (action === 'settings' && slug) {
    const change: JsonObject = {};
    const languages = args.flags.get('languages');
    if (typeof languages === 'string') change['supportedLanguages'] = languages.split(',').map((l) => l.trim()).filter((l) => l !== '');
    const matching = args.flags.get('matching-field');
    if (typeof matching === 'string') change['matchingField'] = matching;
    const urn = args.flags.get('extension-urn');
    if (typeof urn === 'string') change['extensionUrn'] = urn;
    const sso = args.flags.get('sso-may-update');
    if (typeof sso === 'string') change['ssoMayUpdate'] = sso === 'true' ? true : sso === 'false' ? false : sso;
    const rules = args.flags.get('value-rules');
    if (typeof rules === 'string') change['valueRules'] = rules;
    const guard = args.flags.get('mass-change-guard');
    if (typeof guard === 'string') change['massChangeGuard'] = guard;
    const numeric: [string, string][] = [
      ['mass-change-percent', 'massChangePercent'],
      ['mass-change-window-minutes', 'massChangeWindowMinutes'],
      ['mass-change-min-active', 'massChangeMinActive'],
      ['mass-change-group-size', 'massChangeGroupSize'],
      ['log-retention-days', 'logRetentionDays'],
      ['event-retention-days', 'eventRetentionDays'],
    ];
    for (const [flag, key] of numeric) {
      const value = args.flags.get(flag);
      // Non-numbers are passed on as text so the settings schema reports them with the rest.
      if (typeof value === 'string') change[key] = value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    }
    return withRuntime(args.passthrough, async (rt) => {
      const settings = Object.keys(change).length > 0 ? await updateTenantSettings(rt, slug, change) : tenantSettings(await findTenantBySlug(rt, slug));
      if (json) io.out(JSON.stringify(settings));
      else {
        io.out(`supported languages:  ${settings.supportedLanguages.join(', ')}`);
        io.out(`matching field:       ${settings.matchingField}`);
        io.out(`extension URN:        ${settings.extensionUrn}`);
        io.out(`SSO may update:       ${settings.ssoMayUpdate ? 'yes' : 'no (SCIM is the source of truth)'}`);
        io.out(
          `value rules:          ${settings.valueRules === 'enforce' ? 'enforce (a value breaking a rule gets 400; nothing written)' : 'report (a value breaking a rule is kept as sent and flagged on the person)'}${settings.valueRules === DEFAULT_SETTINGS.valueRules ? ' — the default' : ''}`,
        );
        io.out(
          `mass-change guard:    ${settings.massChangeGuard === 'off' ? 'off' : `on: hold removals past ${settings.massChangePercent}% of active people within ${settings.massChangeWindowMinutes} min (tenants of ${settings.massChangeMinActive}+), and emptying groups of more than ${settings.massChangeGroupSize}`}`,
        );
        io.out(`retention:            provisioning log ${settings.logRetentionDays} days; delivered events ${settings.eventRetentionDays} days`);
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
  io.err('usage: roster tenant create <slug> [--name "Display name"] [--json] | roster tenant list [--json] | roster tenant disable|enable <slug> | roster tenant settings <slug> [--languages en,fr] [--matching-field userName|email|externalId] [--extension-urn URN] [--sso-may-update true|false] [--value-rules report|enforce] [--mass-change-guard on|off] [--mass-change-percent N] [--mass-change-window-minutes N] [--mass-change-min-active N] [--mass-change-group-size N] [--log-retention-days N] [--event-retention-days N]');
  return 2;
}
