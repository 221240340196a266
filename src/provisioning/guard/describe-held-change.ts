import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import type { HeldChangeRecord, TenantScope } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** One attribute a held change would change: its value now and after approval (undefined: absent). */
export interface HeldAttributeChange {
  readonly attribute: string;
  readonly before: JsonValue | undefined;
  readonly after: JsonValue | undefined;
}

/** What approving a held change would do, in the terms an admin decides by. */
export interface HeldChangeEffect {
  /** The person's userName or the group's displayName; null when it is gone since. */
  readonly targetName: string | null;
  readonly targetType: 'person' | 'group';
  readonly exists: boolean;
  /** For a group: how many members approval would remove. */
  readonly members: number | null;
  readonly attributes: readonly HeldAttributeChange[];
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** Top-level attributes that differ between two SCIM documents (`meta` is Roster's own bookkeeping). */
function attributeChanges(current: JsonObject, target: JsonObject): HeldAttributeChange[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(target)])].filter((n) => n !== 'meta' && n !== 'id' && n !== 'members');
  return names.filter((n) => !same(current[n], target[n])).map((attribute) => ({ attribute, before: current[attribute], after: target[attribute] }));
}

/**
 * Describes held changes against the people and groups as they are now, in one read: the admin
 * approving a deactivation sees which attributes it would set (the whole held document, as
 * `approveHeldChange` applies it), a deletion who would go, a group emptying how many members.
 */
export async function describeHeldChanges(rt: ProvisioningRuntime, scope: TenantScope, changes: readonly HeldChangeRecord[]): Promise<Map<string, HeldChangeEffect>> {
  return rt.store.read(scope, async (repos) => {
    const effects = new Map<string, HeldChangeEffect>();
    for (const change of changes) {
      const target = change.payload['document'];
      if (change.kind === 'group.empty') {
        const group = await repos.groups.findById(change.resourceId);
        effects.set(change.id, {
          targetName: group?.displayName ?? null,
          targetType: 'group',
          exists: group !== undefined,
          members: group ? await repos.groups.memberCount(group.id) : null,
          attributes: group && isJsonObject(target) ? attributeChanges(group.document, target) : [],
        });
        continue;
      }
      const user = await repos.users.findById(change.resourceId);
      const attributes = !user
        ? []
        : change.kind === 'user.delete'
          ? [{ attribute: 'active', before: user.active, after: undefined }]
          : isJsonObject(target)
            ? attributeChanges(user.document, target)
            : [{ attribute: 'active', before: user.active, after: false }];
      effects.set(change.id, { targetName: user?.userName ?? null, targetType: 'person', exists: user !== undefined, members: null, attributes });
    }
    return effects;
  });
}
