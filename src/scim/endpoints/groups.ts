import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { createGroup, deleteGroup, modifyGroup } from '../../provisioning/groups/write-group.js';
import { getGroup, listGroups, type GroupView } from '../../provisioning/groups/read-groups.js';
import { membersNamed, type GroupChangeStep, type MemberInput } from '../../provisioning/groups/membership-change.js';
import type { VersionPrecondition } from '../../provisioning/preconditions.js';
import { ScimError } from '../errors.js';
import { memberRefsAsIds } from '../filter/member-ref-condition.js';
import type { ListResult } from '../../storage/query.js';
import { parseListParams, type ListRequest, type RawListParams } from '../messages/list-params.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { planGroupPatch } from '../patch/plan-group-patch.js';
import { normalisePatchBody, normaliseResourceBody } from '../quirks/index.js';
import { parseResource } from '../resources/parse-resource.js';
import { etag } from '../messages/etag.js';
import { renderGroup } from '../resources/render-resource.js';
import type { ProjectionParams, ScimContext, ScimResponse } from './context.js';
import { listResponse } from './list-response.js';
import { applyProjection, parseProjection, shows, type Projection } from './projection.js';
import { groupListText, groupText, LIST_MEMBER_BUDGET, MEMBER_PAGE, memberInput } from './streamed-groups.js';

/** A group as its SCIM representation, members included when the view has them all. */
export function renderGroupView(ctx: ScimContext, view: GroupView): JsonObject {
  const { group } = view;
  return renderGroup({
    id: group.id,
    document: group.document,
    created: new Date(group.createdMs),
    lastModified: new Date(group.modifiedMs),
    version: group.version,
    location: `${ctx.baseUrl}/Groups/${group.id}`,
    ...(view.members ? { members: view.members.map((m) => memberInput(ctx, m)) } : {}),
  });
}

function respond(ctx: ScimContext, view: GroupView, status: number, projection: Projection): ScimResponse {
  const head = { status, location: `${ctx.baseUrl}/Groups/${view.group.id}`, etag: etag(view.group.version) };
  if (view.moreMembers)
    return { ...head, stream: groupText(ctx, view, applyProjection(ctx.groupSchema, renderGroupView(ctx, { group: view.group }), projection), projection) };
  return { ...head, body: applyProjection(ctx.groupSchema, renderGroupView(ctx, view), projection) };
}

/** A group's text: streamed when its members come in pages, else serialised at once. */
async function* viewText(ctx: ScimContext, view: GroupView, projection: Projection): AsyncGenerator<string> {
  if (!view.moreMembers) {
    yield JSON.stringify(applyProjection(ctx.groupSchema, renderGroupView(ctx, view), projection));
    return;
  }
  yield* groupText(ctx, view, applyProjection(ctx.groupSchema, renderGroupView(ctx, { group: view.group }), projection), projection);
}

function checkMemberCount(ctx: ScimContext, count: number): void {
  if (count > ctx.limits.maxMembersPerPatch) {
    throw ScimError.badRequest('tooMany', `one request may name at most ${ctx.limits.maxMembersPerPatch} members; this one names ${count}. Split it into batches.`);
  }
}

const toInputs = (members: readonly { value: string; type?: 'User' | 'Group'; display?: string }[]): MemberInput[] =>
  members.map((m) => ({ id: m.value, ...(m.type ? { type: m.type } : {}), ...(m.display !== undefined ? { display: m.display } : {}) }));

function parseGroupBody(ctx: ScimContext, body: JsonValue): { document: JsonObject; members: MemberInput[] | undefined } {
  const normalised = normaliseResourceBody('Group', body, ctx.groupSchema);
  ctx.notes.normalisers.push(...normalised.fired);
  const parsed = parseResource(ctx.groupSchema, normalised.body);
  ctx.notes.ignored.push(...parsed.ignored);
  const members = parsed.members ? toInputs(parsed.members) : undefined;
  if (members) checkMemberCount(ctx, members.length);
  return { document: parsed.document, members };
}

export async function searchGroups(ctx: ScimContext, params: RawListParams, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const request = parseListParams(ctx.groupSchema, params, ctx.limits);
  ctx.notes.leniencies.push(...request.leniencies);
  const projection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  const { where } = request.query;
  const query = where ? { ...request.query, where: memberRefsAsIds(where) } : request.query;
  // A page of groups with more than LIST_MEMBER_BUDGET members in all is written as it is read.
  const page = await listGroups(ctx.rt, ctx.scope, query, { withMembers: shows(projection, 'members'), pageSize: LIST_MEMBER_BUDGET });
  if (page.rows.some((view) => view.moreMembers)) {
    return { status: 200, stream: groupListText(request, page.rows, page.total, page.next, (view) => viewText(ctx, view, projection)) };
  }
  const rows = page.rows.map((view) => applyProjection(ctx.groupSchema, renderGroupView(ctx, view), projection));
  return { status: 200, body: listResponse(request, rows, page.total, page.next) };
}

/** One page of Groups, rendered and projected: for GET /Groups, POST /Groups/.search and POST /.search. */
export async function groupPage(ctx: ScimContext, request: ListRequest, projection: Projection): Promise<ListResult<JsonObject>> {
  const { where } = request.query;
  const query = where ? { ...request.query, where: memberRefsAsIds(where) } : request.query;
  const page = await listGroups(ctx.rt, ctx.scope, query, { withMembers: shows(projection, 'members') });
  return { ...page, rows: page.rows.map((view) => applyProjection(ctx.groupSchema, renderGroupView(ctx, view), projection)) };
}

export async function readGroup(ctx: ScimContext, id: string, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const projection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  ctx.notes.resource = { type: 'Group', id };
  const view = await getGroup(ctx.rt, ctx.scope, id, { withMembers: shows(projection, 'members'), pageSize: MEMBER_PAGE });
  return respond(ctx, view, 200, projection);
}

/** A short account of a group write for the provisioning log. */
function noteGroupWrite(
  ctx: ScimContext,
  result: { changed: boolean; added: readonly string[]; removed: readonly string[]; pending: readonly string[]; held?: { id: string; reason: string } },
): void {
  ctx.notes.changed ||= result.changed;
  if (result.changed) ctx.notes.event ??= 'group.updated';
  if (result.held) ctx.notes.changes.push(`held for approval (${result.held.id}): ${result.held.reason}`);
  if (result.added.length > 0) ctx.notes.changes.push(`${result.added.length} member(s) added`);
  if (result.removed.length > 0) ctx.notes.changes.push(`${result.removed.length} member(s) removed`);
  if (result.pending.length > 0) ctx.notes.changes.push(`${result.pending.length} member(s) not known yet, held pending: ${result.pending.slice(0, 5).join(', ')}`);
}

export async function postGroup(ctx: ScimContext, body: JsonValue, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const projection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  const { document, members } = parseGroupBody(ctx, body);
  const result = await createGroup(ctx.rt, ctx.scope, document, members ?? []);
  ctx.notes.resource = { type: 'Group', id: result.group.id };
  ctx.notes.changes.push('created');
  ctx.notes.event = 'group.created';
  noteGroupWrite(ctx, result);
  const view = await getGroup(ctx.rt, ctx.scope, result.group.id, { withMembers: shows(projection, 'members') });
  return respond(ctx, view, 201, projection);
}

export async function putGroup(ctx: ScimContext, id: string, body: JsonValue, projectionParams: ProjectionParams, ifMatch?: VersionPrecondition): Promise<ScimResponse> {
  const projection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  const { document, members } = parseGroupBody(ctx, body);
  const steps: GroupChangeStep[] = [{ kind: 'attributes', transform: () => document }];
  // PUT replaces the resource (RFC 7644 §3.5.1): a body without members empties the group.
  steps.push(members && members.length > 0 ? { kind: 'replaceMembers', members } : { kind: 'removeAllMembers' });
  ctx.notes.resource = { type: 'Group', id };
  const result = await modifyGroup(ctx.rt, ctx.scope, id, steps, ifMatch, { settings: ctx.settings });
  noteGroupWrite(ctx, result);
  const view = await getGroup(ctx.rt, ctx.scope, id, { withMembers: shows(projection, 'members') });
  return respond(ctx, view, result.held ? 202 : 200, projection);
}

/**
 * Group PATCH answers 204 unless the client asks for attributes (RFC 7644 §3.5.2 allows both, and Entra
 * expects 204, docs/idp-behaviors.md#entra-general-rules): a 100,000-member group is not serialised after
 * every change. README.md#what-the-scim-endpoint-supports says so to users.
 */
export async function patchGroup(
  ctx: ScimContext,
  id: string,
  body: JsonValue,
  projectionParams: ProjectionParams,
  ifMatch?: VersionPrecondition,
): Promise<ScimResponse> {
  const normalised = normalisePatchBody('Group', body, ctx.groupSchema);
  ctx.notes.normalisers.push(...normalised.fired);
  const plan = planGroupPatch(parsePatchRequest(normalised.body), ctx.groupSchema);
  checkMemberCount(ctx, membersNamed(plan.steps));
  ctx.notes.resource = { type: 'Group', id };
  const result = await modifyGroup(ctx.rt, ctx.scope, id, plan.steps, ifMatch, { settings: ctx.settings });
  noteGroupWrite(ctx, result);
  if (result.held) return { status: 202, etag: etag(result.group.version) };
  if (projectionParams.attributes === undefined && projectionParams.excludedAttributes === undefined) {
    return { status: 204, etag: etag(result.group.version) };
  }
  const projection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  const view = await getGroup(ctx.rt, ctx.scope, id, { withMembers: shows(projection, 'members') });
  return respond(ctx, view, 200, projection);
}

export async function removeGroup(ctx: ScimContext, id: string, ifMatch?: VersionPrecondition): Promise<ScimResponse> {
  ctx.notes.resource = { type: 'Group', id };
  await deleteGroup(ctx.rt, ctx.scope, id, ifMatch);
  ctx.notes.changed = true;
  ctx.notes.changes.push('deleted');
  ctx.notes.event = 'group.deleted';
  return { status: 204 };
}
