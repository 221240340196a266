import { createHash } from 'node:crypto';
import { DomainError } from '../provisioning/errors.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import type { DeadLetterRecord, StreamStatus, WebhookEndpointRecord } from '../storage/delivery-store.js';
import { newWebhookSecret } from './webhook-signature.js';

/** An endpoint as admins see it: never the secret, only its fingerprint. */
export interface WebhookView {
  readonly id: string;
  /** The tenant's slug, or null for an endpoint that receives every tenant's events. */
  readonly tenant: string | null;
  readonly url: string;
  readonly label: string;
  readonly fingerprint: string;
  readonly createdMs: number;
  /** Until when the last retired secret still signs (the latest overlap to end), or null. */
  readonly previousSecretUntilMs: number | null;
  /** Every retired secret still signing (each rotation's overlap), by fingerprint, latest first. */
  readonly retiringSecrets: readonly { readonly fingerprint: string; readonly untilMs: number }[];
  readonly streams: readonly StreamStatus[];
}

/** A short, non-reversible name for a secret, to tell secrets apart in lists. */
export function secretFingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError('invalidValue', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DomainError('invalidValue', 'a webhook URL must be http:// or https://');
  if (parsed.username || parsed.password) {
    throw new DomainError('invalidValue', 'a webhook URL must not carry credentials; receivers authenticate Roster by its signature');
  }
  return parsed.toString();
}

/** The secrets an endpoint signs with at `nowMs`: the current one first, then every one still in its overlap. */
export function signingSecrets(endpoint: WebhookEndpointRecord, nowMs: number): string[] {
  return [endpoint.secret, ...endpoint.retiringSecrets.filter((r) => r.untilMs > nowMs).map((r) => r.secret)];
}

async function view(rt: ProvisioningRuntime, endpoint: WebhookEndpointRecord, slugs: Map<string, string>): Promise<WebhookView> {
  const now = rt.now();
  const retiring = endpoint.retiringSecrets.filter((r) => r.untilMs > now).sort((a, b) => b.untilMs - a.untilMs);
  return {
    id: endpoint.id,
    tenant: endpoint.tenantId === null ? null : (slugs.get(endpoint.tenantId) ?? endpoint.tenantId),
    url: endpoint.url,
    label: endpoint.label,
    fingerprint: secretFingerprint(endpoint.secret),
    createdMs: endpoint.createdMs,
    previousSecretUntilMs: retiring[0]?.untilMs ?? null,
    retiringSecrets: retiring.map((r) => ({ fingerprint: secretFingerprint(r.secret), untilMs: r.untilMs })),
    streams: await rt.store.delivery.streamsOf(endpoint.id),
  };
}

async function tenantSlugs(rt: ProvisioningRuntime): Promise<Map<string, string>> {
  return new Map((await rt.store.tenants.list()).map((t) => [t.id, t.slug]));
}

async function endpointOrFail(rt: ProvisioningRuntime, id: string): Promise<WebhookEndpointRecord> {
  const endpoint = await rt.store.delivery.findEndpoint(id);
  if (!endpoint) throw new DomainError('notFound', `webhook ${id} not found`);
  return endpoint;
}

/**
 * Adds an endpoint for one tenant (`tenantSlug`) or every tenant (null). It receives what happens
 * from now on. The signing secret is answered here once; afterwards only its fingerprint is shown.
 */
export async function addWebhook(
  rt: ProvisioningRuntime,
  input: { tenantSlug: string | null; url: string; label?: string },
): Promise<{ webhook: WebhookView; secret: string }> {
  const tenant = input.tenantSlug === null ? null : await findTenantBySlug(rt, input.tenantSlug);
  const label = (input.label ?? '').trim() || 'webhook';
  if (label.length > 200) throw new DomainError('invalidValue', 'a webhook label must be at most 200 characters');
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpointRecord = {
    id: rt.newId(),
    tenantId: tenant?.id ?? null,
    url: checkUrl(input.url),
    label,
    secret,
    retiringSecrets: [],
    createdMs: rt.now(),
  };
  await rt.store.delivery.createEndpoint(endpoint);
  return { webhook: await view(rt, endpoint, await tenantSlugs(rt)), secret };
}

/** Endpoints serving a tenant (its own and the all-tenant ones), or every endpoint. */
export async function listWebhooks(rt: ProvisioningRuntime, tenantSlug?: string): Promise<WebhookView[]> {
  const filter = tenantSlug === undefined ? undefined : { tenantId: (await findTenantBySlug(rt, tenantSlug)).id };
  const endpoints = await rt.store.delivery.listEndpoints(filter);
  const slugs = await tenantSlugs(rt);
  const views: WebhookView[] = [];
  for (const endpoint of endpoints) views.push(await view(rt, endpoint, slugs));
  return views;
}

/** Removes an endpoint with its streams and dead letters; nothing more is sent to it. */
export async function removeWebhook(rt: ProvisioningRuntime, id: string): Promise<void> {
  if (!(await rt.store.delivery.deleteEndpoint(id))) throw new DomainError('notFound', `webhook ${id} not found`);
}

/**
 * A new secret; the old one keeps signing (another v1 in the headers) for `overlapMs`, and so does
 * every secret an earlier rotation retired until its own overlap ends.
 */
export async function rotateWebhookSecret(
  rt: ProvisioningRuntime,
  id: string,
  overlapMs: number,
): Promise<{ webhook: WebhookView; secret: string; previousValidUntilMs: number }> {
  await endpointOrFail(rt, id);
  const secret = newWebhookSecret();
  const now = rt.now();
  const previousValidUntilMs = now + overlapMs;
  if (!(await rt.store.delivery.rotateSecret(id, secret, now, previousValidUntilMs))) throw new DomainError('notFound', `webhook ${id} not found`);
  return { webhook: await view(rt, await endpointOrFail(rt, id), await tenantSlugs(rt)), secret, previousValidUntilMs };
}

/** A tenant's dead letters (events whose delivery gave up), newest first. */
export async function listDeadLetters(rt: ProvisioningRuntime, tenantSlug: string, options: { includeReplayed?: boolean } = {}): Promise<DeadLetterRecord[]> {
  const tenant = await findTenantBySlug(rt, tenantSlug);
  return rt.store.delivery.listDeadLetters(tenant.id, options);
}

/** Sends a dead letter again: its stream resumes at that event, in order, with fresh retries. */
export async function replayDeadLetter(rt: ProvisioningRuntime, id: string): Promise<DeadLetterRecord> {
  const letter = await rt.store.delivery.replayDeadLetter(id, rt.now());
  if (!letter) throw new DomainError('notFound', `dead letter ${id} not found`);
  return letter;
}
