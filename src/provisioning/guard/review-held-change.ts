import type { HeldChangeRecord, HeldChangeStatus, TenantScope } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import { modifyGroup } from '../groups/write-group.js';
import type { ProvisioningRuntime } from '../runtime.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';
import { deleteUser, modifyUser } from '../users/write-user.js';

export function listHeldChanges(rt: ProvisioningRuntime, scope: TenantScope, status?: HeldChangeStatus, limit = 200): Promise<HeldChangeRecord[]> {
  return rt.store.read(scope, (repos) => repos.held.list(status, limit));
}

async function heldOrThrow(rt: ProvisioningRuntime, scope: TenantScope, id: string): Promise<HeldChangeRecord> {
  const change = await rt.store.read(scope, (repos) => repos.held.findById(id));
  if (!change) throw new DomainError('notFound', `held change ${id} not found`);
  if (change.status !== 'held') throw new DomainError('invalidValue', `held change ${id} was already ${change.status}`);
  return change;
}

/**
 * Applies a held change now (events flow from this moment). The change is applied first and
 * marked approved after, so a crash in between leaves it held and approving again is harmless.
 */
export async function approveHeldChange(rt: ProvisioningRuntime, scope: TenantScope, id: string, settings: TenantSettings): Promise<HeldChangeRecord> {
  const change = await heldOrThrow(rt, scope, id);
  const bypass = { bypassGuard: true };
  try {
    switch (change.kind) {
      case 'user.deactivate': {
        const target = change.payload['document'];
        await modifyUser(
          rt,
          scope,
          change.resourceId,
          // The whole held document if nothing changed since; otherwise only the deactivation.
          (current) => (typeof target === 'object' && target !== null && !Array.isArray(target) ? target : { ...current, active: false }),
          settings,
          undefined,
          bypass,
        );
        break;
      }
      case 'user.delete':
        await deleteUser(rt, scope, change.resourceId, undefined, settings, bypass);
        break;
      case 'group.empty': {
        const target = change.payload['document'];
        await modifyGroup(
          rt,
          scope,
          change.resourceId,
          [
            { kind: 'removeAllMembers' },
            ...(typeof target === 'object' && target !== null && !Array.isArray(target) ? [{ kind: 'attributes' as const, transform: () => target }] : []),
          ],
          undefined,
          { settings, ...bypass },
        );
        break;
      }
    }
  } catch (error) {
    // The person or group is gone already: there is nothing left to apply.
    if (!(error instanceof DomainError && error.kind === 'notFound')) throw error;
  }
  await rt.store.transaction(scope, (repos) => repos.held.decide(id, 'approved', rt.now()));
  return { ...change, status: 'approved', decidedMs: rt.now() };
}

/** Drops a held change: nothing is applied and no event is emitted. */
export async function discardHeldChange(rt: ProvisioningRuntime, scope: TenantScope, id: string): Promise<HeldChangeRecord> {
  const change = await heldOrThrow(rt, scope, id);
  await rt.store.transaction(scope, (repos) => repos.held.decide(id, 'discarded', rt.now()));
  return { ...change, status: 'discarded', decidedMs: rt.now() };
}
