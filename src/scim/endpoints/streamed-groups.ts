import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import type { GroupView } from '../../provisioning/groups/read-groups.js';
import type { MemberRecord } from '../../storage/store.js';
import { renderMember, type RenderGroupInput } from '../resources/render-resource.js';
import type { ListRequest } from '../messages/list-params.js';
import type { CursorPosition } from '../../storage/query.js';
import type { ScimContext } from './context.js';
import { listResponse } from './list-response.js';
import { applyProjection, type Projection } from './projection.js';

type MemberInput = NonNullable<RenderGroupInput['members']>[number];

/**
 * Groups whose members are read a page at a time (GroupView.moreMembers) are written the same way:
 * the JSON text goes out in pieces as the pages arrive, and is byte for byte what serialising the
 * whole document at once gives (JSON.stringify writes an array as `[` + elements joined by `,` +
 * `]` and an object's keys in insertion order, so the pieces can be produced separately).
 */

/** Members read at a time for a response (a page of members renders to a few hundred kilobytes). */
export const MEMBER_PAGE = 2000;

/**
 * Members a page of groups may hold in all and still be read in one statement with the groups
 * (the usual page: a hundred groups of a few members each); past it, they are read and written
 * group by group.
 */
export const LIST_MEMBER_BUDGET = 10_000;

/** Text pieces are gathered up to about this size before being handed on, so small groups do not become tiny writes. */
const PIECE_BYTES = 64 * 1024;

/** A value no group can hold, standing in for `members` to find where their text goes. */
const MARK = `members-${randomUUID()}`;
const MARKED = `"members":${JSON.stringify(MARK)}`;

/** A stored member as renderGroup takes it: whole groups and streamed pages render members alike. */
export function memberInput(ctx: ScimContext, m: MemberRecord): MemberInput {
  return {
    value: m.id,
    type: m.type,
    $ref: `${ctx.baseUrl}/${m.type === 'User' ? 'Users' : 'Groups'}/${m.id}`,
    ...(m.display === null ? {} : { display: m.display }),
  };
}

/**
 * One member's text as `renderMember(memberInput(…))` serialises, written directly: with no
 * `attributes` or `excludedAttributes` the projection keeps every member attribute, and a
 * 100,000-member group then makes no object per member. Serving such a group built three objects
 * per member (input, rendering, projection), and those alive across a scavenge took V8's old
 * generation from 26 to about 120 MB between full collections (docs/performance.md).
 */
function memberText(ctx: ScimContext, m: MemberRecord): string {
  const ref = `${ctx.baseUrl}/${m.type === 'User' ? 'Users' : 'Groups'}/${m.id}`;
  const display = m.display === null ? '' : `,"display":${JSON.stringify(m.display)}`;
  return `{"value":${JSON.stringify(m.id)}${display},"type":${JSON.stringify(m.type)},"$ref":${JSON.stringify(ref)}}`;
}

/** The members of one page as JSON texts: written directly when nothing is projected away, else projected. */
function memberTexts(ctx: ScimContext, members: readonly MemberRecord[], projection: Projection): string[] {
  if (projection.attributes === undefined && projection.excludedAttributes === undefined) return members.map((m) => memberText(ctx, m));
  return projectedMembers(ctx, members, projection).map((e) => JSON.stringify(e));
}

/** The projected members of one page: projection filters each element on its own (project.ts). */
function projectedMembers(ctx: ScimContext, members: readonly MemberRecord[], projection: Projection): JsonValue[] {
  const projected = applyProjection(ctx.groupSchema, { members: members.map((m) => renderMember(memberInput(ctx, m))) }, projection)['members'];
  return Array.isArray(projected) ? projected : [];
}

/**
 * The text of one group: `rendered` is the group rendered and projected without members; the
 * members go where the whole-document rendering puts them (after the core attributes, before
 * `meta`), and are left out exactly when it would leave them out.
 */
export async function* groupText(ctx: ScimContext, view: GroupView, rendered: JsonObject, projection: Projection): AsyncGenerator<string> {
  const marked: JsonObject = {};
  for (const [key, value] of Object.entries(rendered)) {
    if (key === 'meta') marked['members'] = MARK;
    marked[key] = value;
  }
  if (!('members' in marked)) marked['members'] = MARK;
  const text = JSON.stringify(marked);
  const at = text.indexOf(MARKED);
  const head = text.slice(0, at);
  const tail = text.slice(at + MARKED.length);
  const headWithout = head.endsWith(',') ? head.slice(0, -1) : head;

  let read = 0;
  let written = 0;
  let piece = '';
  const pages = async function* (): AsyncGenerator<readonly MemberRecord[]> {
    if (view.members && view.members.length > 0) yield view.members;
    if (view.moreMembers) yield* view.moreMembers();
  };
  for await (const page of pages()) {
    read += page.length;
    const elements = memberTexts(ctx, page, projection);
    if (elements.length === 0) continue;
    piece += `${written === 0 ? `${head}"members":[` : ','}${elements.join(',')}`;
    written += elements.length;
    if (piece.length >= PIECE_BYTES) {
      yield piece;
      piece = '';
    }
  }
  if (written > 0) {
    yield `${piece}]${tail}`;
    return;
  }
  // Nothing to list: an empty group keeps `"members":[]` unless the projection drops an empty list
  // (it does when it filters sub-attributes); members that all projected to nothing are left out.
  const emptyKept = read === 0 && applyProjection(ctx.groupSchema, { members: [] }, projection)['members'] !== undefined;
  yield emptyKept ? `${head}"members":[]${tail}` : `${headWithout}${tail}`;
}

/**
 * The text of a ListResponse of groups, each as `text` writes it; the envelope is listResponse's,
 * `Resources` being its last member.
 */
export async function* groupListText(
  request: ListRequest,
  views: readonly GroupView[],
  total: number | undefined,
  next: CursorPosition | undefined,
  text: (view: GroupView) => AsyncIterable<string>,
): AsyncGenerator<string> {
  const envelope = JSON.stringify(
    listResponse(
      request,
      views.map((): JsonObject => ({})),
      total,
      next,
    ),
  );
  let piece = envelope.slice(0, envelope.lastIndexOf('"Resources":[') + '"Resources":['.length);
  for (const [i, view] of views.entries()) {
    if (i > 0) piece += ',';
    for await (const part of text(view)) {
      piece += part;
      if (piece.length >= PIECE_BYTES) {
        yield piece;
        piece = '';
      }
    }
  }
  yield `${piece}]}`;
}
