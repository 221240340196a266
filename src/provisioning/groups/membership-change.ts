import type { JsonObject } from '../../json/json-value.js';
import type { Condition } from '../../storage/query.js';
import type { MemberType } from '../../storage/store.js';

/** A member named by id; the type is looked up when the client does not say. */
export interface MemberInput {
  readonly id: string;
  readonly type?: MemberType;
  /** The label the client gave the member when adding it (shown as members[].display). */
  readonly display?: string;
}

/** One step of a group change, applied in order inside one transaction. */
export type GroupChangeStep =
  | { readonly kind: 'attributes'; readonly transform: (current: JsonObject) => JsonObject }
  | { readonly kind: 'addMembers'; readonly members: readonly MemberInput[] }
  | { readonly kind: 'removeMembers'; readonly ids: readonly string[] }
  | { readonly kind: 'removeMembersWhere'; readonly condition: Condition }
  | { readonly kind: 'removeAllMembers' }
  | { readonly kind: 'replaceMembers'; readonly members: readonly MemberInput[] };

/** The real delta of a membership change: who was added and who removed, net of each other. */
export class MembershipDelta {
  private readonly state = new Map<string, 'added' | 'removed'>();

  added(ids: readonly string[]): void {
    for (const id of ids) {
      // Removed then added back in the same request: no net change.
      if (this.state.get(id) === 'removed') this.state.delete(id);
      else this.state.set(id, 'added');
    }
  }

  removed(ids: readonly string[]): void {
    for (const id of ids) {
      // Added then removed in the same request: no net change.
      if (this.state.get(id) === 'added') this.state.delete(id);
      else this.state.set(id, 'removed');
    }
  }

  get addedIds(): string[] {
    return [...this.state].filter(([, s]) => s === 'added').map(([id]) => id);
  }

  get removedIds(): string[] {
    return [...this.state].filter(([, s]) => s === 'removed').map(([id]) => id);
  }

  get empty(): boolean {
    return this.state.size === 0;
  }
}

/** How many members a change names (ids added, replaced or removed by id): what a request's limit counts. */
export function membersNamed(steps: readonly GroupChangeStep[]): number {
  let named = 0;
  for (const step of steps) {
    if (step.kind === 'addMembers' || step.kind === 'replaceMembers') named += step.members.length;
    else if (step.kind === 'removeMembers') named += step.ids.length;
  }
  return named;
}
