import type { Finding } from '../provisioning/operations/sync-health.js';
import { duration } from '../provisioning/operations/sync-health.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { TroubledStream } from '../storage/delivery-store.js';

/**
 * A stream failing for longer than this, or this many attempts in a row, is a problem rather than
 * a warning: one failed attempt is a receiver's bad minute; ten minutes of them is an outage.
 */
const PROBLEM_AFTER_MS = 10 * 60_000;
const PROBLEM_AFTER_ATTEMPTS = 5;

/** How one tenant's webhooks stand: every stream delivering, some retrying, or some failing for long (or dead). */
export type WebhookHealth = 'ok' | 'retrying' | 'failing';

/** One stream that is not delivering, in words an admin can act on. */
export interface WebhookTrouble {
  readonly endpointId: string;
  readonly label: string;
  readonly tenant: string;
  readonly health: Exclude<WebhookHealth, 'ok'>;
  readonly attempts: number;
  readonly failingSinceMs: number | null;
  readonly lastError: string | null;
  readonly message: string;
}

function judge(stream: TroubledStream, nowMs: number): WebhookTrouble {
  const base = {
    endpointId: stream.endpointId,
    label: stream.endpointLabel,
    tenant: stream.tenantSlug,
    attempts: stream.attempts,
    failingSinceMs: stream.firstFailureMs,
    lastError: stream.lastError,
  };
  const name = `webhook "${stream.endpointLabel}" (${stream.endpointId}, ${stream.endpointUrl})`;
  if (stream.state === 'dead') {
    return {
      ...base,
      health: 'failing',
      message: `${name} gave up on event ${stream.lastSeq + 1} after ${stream.attempts} attempts (${stream.lastError ?? 'no answer'}); its events wait until the dead letter is replayed: roster webhook dead ${stream.tenantSlug}, then roster webhook replay <id>`,
    };
  }
  const since = stream.firstFailureMs === null ? 0 : nowMs - stream.firstFailureMs;
  const long = since >= PROBLEM_AFTER_MS || stream.attempts >= PROBLEM_AFTER_ATTEMPTS;
  return {
    ...base,
    health: long ? 'failing' : 'retrying',
    message: `${name} has failed ${stream.attempts} attempt${stream.attempts === 1 ? '' : 's'} in a row${stream.firstFailureMs === null ? '' : ` over ${duration(since)}`} (last: ${stream.lastError ?? 'no answer'}); events wait behind it and are retried with backoff`,
  };
}

/** The streams of one tenant (or all) that are not delivering, judged. */
export async function webhookTroubles(rt: ProvisioningRuntime, filter?: { tenantId: string }): Promise<WebhookTrouble[]> {
  const now = rt.now();
  return (await rt.store.delivery.troubledStreams(filter)).map((s) => judge(s, now));
}

/** The worst of a tenant's troubles. */
export function webhookHealth(troubles: readonly WebhookTrouble[]): WebhookHealth {
  if (troubles.some((t) => t.health === 'failing')) return 'failing';
  return troubles.length > 0 ? 'retrying' : 'ok';
}

/** `roster doctor`'s webhook findings: a failing stream is a problem (exit 1), a retrying one a warning. */
export async function webhookFindings(rt: ProvisioningRuntime): Promise<Finding[]> {
  const troubles = await webhookTroubles(rt);
  if (troubles.length === 0) {
    const endpoints = await rt.store.delivery.listEndpoints();
    return endpoints.length === 0
      ? []
      : [{ severity: 'ok', subject: 'webhooks', message: `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}, every stream delivering` }];
  }
  return webhookTroubleFindings(troubles);
}

/** Troubles as findings: a failing stream is a problem, a retrying one a warning (doctor and the console alike). */
export function webhookTroubleFindings(troubles: readonly WebhookTrouble[]): Finding[] {
  return troubles.map((t) => ({ severity: t.health === 'failing' ? 'problem' : 'warning', subject: `tenant ${t.tenant}`, message: t.message }));
}
