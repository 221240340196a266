import type { CredentialRecord, RequestLogEntry, TenantRecord } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** `note` is worth knowing but needs nothing done; only `problem` makes `roster doctor` exit 1. */
export type Severity = 'ok' | 'note' | 'warning' | 'problem';

/** One thing `roster doctor` found, in words an operator can act on. */
export interface Finding {
  readonly severity: Severity;
  /** What was checked: "configuration", "database", "migrations", "tenant acme". */
  readonly subject: string;
  readonly message: string;
}

/** How an identity provider calls, as far as Roster can tell from its User-Agent. */
interface IdpRhythm {
  readonly name: string;
  /** Calls on a schedule (silence means it stopped) or only when something changes (silence may be calm). */
  readonly periodic: boolean;
  readonly cadence: string;
}

const RHYTHMS: readonly { pattern: RegExp; rhythm: IdpRhythm }[] = [
  { pattern: /okta/i, rhythm: { name: 'Okta', periodic: false, cadence: 'Okta calls only when something changes in it (an assignment, a profile edit, a group push)' } },
  {
    pattern: /azure|microsoft|entra|aad/i,
    rhythm: {
      name: 'Microsoft Entra ID',
      periodic: true,
      cadence: 'Entra ID runs a sync cycle about every 40 minutes, so hours of silence mean its provisioning job stopped or is in quarantine',
    },
  },
  { pattern: /onelogin/i, rhythm: { name: 'OneLogin', periodic: false, cadence: 'OneLogin calls when a user or their app access changes' } },
  { pattern: /jumpcloud/i, rhythm: { name: 'JumpCloud', periodic: false, cadence: 'JumpCloud calls when a user, group or membership changes' } },
  // Google syncs every few hours: longer than the default threshold, so its silence is a warning only.
  { pattern: /google/i, rhythm: { name: 'Google Workspace', periodic: false, cadence: 'Google syncs every few hours, so a few hours of silence is normal' } },
  { pattern: /ping/i, rhythm: { name: 'PingOne', periodic: false, cadence: 'PingOne pushes changes as they happen' } },
];

/** The IdP a User-Agent belongs to, when it says. */
export function idpRhythm(userAgent: string | null | undefined): IdpRhythm | undefined {
  if (!userAgent) return undefined;
  return RHYTHMS.find((r) => r.pattern.test(userAgent))?.rhythm;
}

/** "3 min", "5 h", "2 days". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

export interface SyncCheckOptions {
  /** Silence longer than this, from a tenant that has synced before, is reported. */
  readonly staleAfterMs: number;
  /** How many recent provisioning-log entries are read to judge failures (default 50). */
  readonly recentRequests?: number;
}

/**
 * Judges one tenant's SCIM traffic against how its IdP syncs: never called although it has a
 * credential, silent for longer than the threshold, or calling and failing.
 */
export function judgeTenant(
  tenant: TenantRecord,
  credentials: readonly CredentialRecord[],
  recent: readonly RequestLogEntry[],
  nowMs: number,
  options: SyncCheckOptions,
): Finding[] {
  const subject = `tenant ${tenant.slug}`;
  if (!tenant.provisioningEnabled) {
    return [{ severity: 'ok', subject, message: 'provisioning is switched off (roster tenant enable to switch it on); not checked' }];
  }
  const findings: Finding[] = [];
  const live = credentials.filter((c) => c.revokedMs === null);
  if (live.length === 0) {
    findings.push({
      severity: 'warning',
      subject,
      message: `has no live credential, so no identity provider can authenticate; make one with \`roster token create ${tenant.slug}\``,
    });
  }
  if (tenant.lastRequestMs === null) {
    if (live.length === 0) return findings;
    const since = Math.min(...live.map((c) => c.createdMs));
    const waited = nowMs - since;
    if (waited > options.staleAfterMs) {
      findings.push({
        severity: 'problem',
        subject,
        message:
          `has had a credential for ${duration(waited)} but its identity provider has never called. ` +
          `Check the SCIM base URL in the IdP (…/scim/v2/ or …/t/${tenant.slug}/scim/v2/), that the token was pasted whole, ` +
          `and that provisioning is switched on there`,
      });
    } else {
      findings.push({ severity: 'ok', subject, message: `waiting for the first SCIM request (credential made ${duration(waited)} ago)` });
    }
    return findings;
  }

  const silence = nowMs - tenant.lastRequestMs;
  const lastClient = recent[0]?.client ?? null;
  const rhythm = idpRhythm(lastClient);
  const who = rhythm ? rhythm.name : lastClient ? `its client (${lastClient})` : 'its identity provider';
  if (silence > options.staleAfterMs) {
    const eventDriven = rhythm !== undefined && !rhythm.periodic;
    findings.push({
      severity: eventDriven ? 'warning' : 'problem',
      subject,
      message:
        `no SCIM request for ${duration(silence)} (threshold ${duration(options.staleAfterMs)}); the last one came from ${who}. ` +
        (rhythm
          ? `${rhythm.cadence}. ${eventDriven ? 'A quiet directory is normal; if people changed there, look at its provisioning errors.' : 'Look at its provisioning status and logs.'}`
          : 'If that IdP syncs on a schedule (Entra ID: about every 40 minutes), its provisioning job has stopped: look at its provisioning status and logs.'),
    });
  }

  const window = recent.slice(0, options.recentRequests ?? 50);
  const failed = window.filter((e) => e.status >= 400);
  if (window.length >= 5 && failed.length === window.length) {
    const last = failed[0]!;
    findings.push({
      severity: 'problem',
      subject,
      message:
        `${who} is calling but each of the last ${window.length} requests failed; the latest: ${last.method} ${last.path.split('?')[0]} → ${last.status}` +
        (last.error ? ` (${last.error.slice(0, 200)})` : '') +
        '. The provisioning log has every request with its error',
    });
  } else if (window.length >= 10 && failed.length * 2 > window.length) {
    findings.push({
      severity: 'warning',
      subject,
      message: `${failed.length} of the last ${window.length} SCIM requests failed; see the provisioning log for which and why`,
    });
  }

  if (findings.every((f) => f.severity === 'ok')) {
    findings.push({ severity: 'ok', subject, message: `last SCIM request ${duration(silence)} ago from ${who}` });
  }
  return findings;
}

/** Reads every tenant with its credentials and latest provisioning-log entries, and judges each. */
export async function checkTenantSync(rt: ProvisioningRuntime, options: SyncCheckOptions): Promise<Finding[]> {
  const tenants = await rt.store.tenants.list();
  const findings: Finding[] = [];
  for (const tenant of tenants) {
    const credentials = await rt.store.credentials.listForTenant(tenant.id);
    const recent =
      tenant.lastRequestMs === null ? [] : await rt.store.read({ tenantId: tenant.id }, (repos) => repos.requestLog.list({ limit: options.recentRequests ?? 50 }));
    findings.push(...judgeTenant(tenant, credentials, recent, rt.now(), options));
  }
  return findings;
}
