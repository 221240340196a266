import type { JsonObject } from '../../json/json-value.js';
import type { OperatorAuditEntry } from '../../storage/admin-store.js';
import type { ProvisioningRuntime } from '../runtime.js';

/**
 * Who did an operator action: the command line, an admin signed in to the console, or (going live
 * or discarding a preview) a customer's IT admin in a session opened by a setup link.
 */
export type Actor = 'cli' | { readonly adminId: string } | { readonly setupLinkId: string };

export const actorName = (actor: Actor): string => (actor === 'cli' ? 'cli' : 'adminId' in actor ? `admin:${actor.adminId}` : `setup-link:${actor.setupLinkId}`);

/** Keeps one operator action in the audit trail that outlives tenants and admins. */
export async function recordOperatorAction(rt: ProvisioningRuntime, actor: Actor, action: string, subject: string, detail: JsonObject): Promise<void> {
  await rt.store.admin.audit.record({ id: rt.newId(), atMs: rt.now(), actor: actorName(actor), action, subject, detail: JSON.stringify(detail) });
}

/** The newest operator actions, newest first. */
export function latestOperatorActions(rt: ProvisioningRuntime, limit: number): Promise<OperatorAuditEntry[]> {
  return rt.store.admin.audit.latest(limit);
}
