import type { JsonObject } from '../../json/json-value.js';
import type { OperatorAuditEntry } from '../../storage/admin-store.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** Who did an operator action: the command line, or an operator signed in to the console. */
export type Actor = 'cli' | { readonly adminId: string };

export const actorName = (actor: Actor): string => (actor === 'cli' ? 'cli' : `admin:${actor.adminId}`);

/** Keeps one operator action in the audit trail that outlives tenants and admins. */
export async function recordOperatorAction(rt: ProvisioningRuntime, actor: Actor, action: string, subject: string, detail: JsonObject): Promise<void> {
  await rt.store.admin.audit.record({ id: rt.newId(), atMs: rt.now(), actor: actorName(actor), action, subject, detail: JSON.stringify(detail) });
}

/** The newest operator actions, newest first. */
export function latestOperatorActions(rt: ProvisioningRuntime, limit: number): Promise<OperatorAuditEntry[]> {
  return rt.store.admin.audit.latest(limit);
}
