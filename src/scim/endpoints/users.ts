import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { deleteUser, createUser, modifyUser, type UserWriteResult } from '../../provisioning/users/write-user.js';
import type { AttributeChange } from '../../provisioning/users/person-document.js';
import { getUser, listUsers, type UserView } from '../../provisioning/users/read-users.js';
import type { VersionPrecondition } from '../../provisioning/preconditions.js';
import type { ListResult } from '../../storage/query.js';
import { parseListParams, type ListRequest, type RawListParams } from '../messages/list-params.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { normalisePatchBody, normaliseResourceBody } from '../quirks/index.js';
import { setAsideMisplacedTargets } from '../resources/misplaced-patch-targets.js';
import { parseResource } from '../resources/parse-resource.js';
import { etag } from '../messages/etag.js';
import { renderUser } from '../resources/render-resource.js';
import type { ProjectionParams, ScimContext, ScimResponse } from './context.js';
import { conditionToStored, fromStored, toStored } from './extension-alias.js';
import { listResponse } from './list-response.js';
import { URN } from '../schemas/urns.js';
import { applyProjection, parseProjection, shows, type Projection } from './projection.js';

const alias = (ctx: ScimContext) => ({ published: ctx.settings.extensionUrn });

function render(ctx: ScimContext, view: UserView): JsonObject {
  const { user } = view;
  return renderUser({
    id: user.id,
    document: fromStored(alias(ctx), user.document),
    created: new Date(user.createdMs),
    lastModified: new Date(user.modifiedMs),
    version: user.version,
    location: `${ctx.baseUrl}/Users/${user.id}`,
    extensionUrns: ctx.userSchema.extensions.map((e) => e.id),
    ...(view.groups ? { groups: view.groups.map((g) => ({ value: g.groupId, display: g.displayName, type: 'direct' as const })) } : {}),
  });
}

function respond(ctx: ScimContext, view: UserView, status: number, projection: Projection): ScimResponse {
  const body = applyProjection(ctx.userSchema, render(ctx, view), projection);
  return { status, body, location: `${ctx.baseUrl}/Users/${view.user.id}`, etag: etag(view.user.version) };
}

function storedPath(ctx: ScimContext, path: readonly string[]): readonly string[] {
  return path[0] === ctx.settings.extensionUrn ? [URN.rosterUser, ...path.slice(1)] : path;
}

/** Parses a User body after the IdP normalisers, noting what was normalised and ignored. */
function parseUserBody(ctx: ScimContext, body: JsonValue): JsonObject {
  const normalised = normaliseResourceBody('User', body, ctx.userSchema);
  ctx.notes.normalisers.push(...normalised.fired);
  const parsed = parseResource(ctx.userSchema, normalised.body);
  ctx.notes.ignored.push(...parsed.ignored);
  return toStored(alias(ctx), parsed.document);
}

/** GET /Users and POST /Users/.search. */
export async function searchUsers(ctx: ScimContext, params: RawListParams, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const request = parseListParams(ctx.userSchema, params, ctx.limits);
  ctx.notes.leniencies.push(...request.leniencies);
  const projection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  const page = await userPage(ctx, request, projection);
  return { status: 200, body: listResponse(request, page.rows, page.total, page.next) };
}

/** One page of Users, rendered and projected: for GET /Users, POST /Users/.search and POST /.search. */
export async function userPage(ctx: ScimContext, request: ListRequest, projection: Projection): Promise<ListResult<JsonObject>> {
  const { where, sort } = request.query;
  const query = {
    ...request.query,
    ...(where ? { where: conditionToStored(alias(ctx), where) } : {}),
    ...(sort ? { sort: { ...sort, field: { ...sort.field, path: storedPath(ctx, sort.field.path) } } } : {}),
  };
  const page = await listUsers(ctx.rt, ctx.scope, query, { withGroups: shows(projection, 'groups') });
  return { ...page, rows: page.rows.map((view) => applyProjection(ctx.userSchema, render(ctx, view), projection)) };
}

export async function readUser(ctx: ScimContext, id: string, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const projection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  ctx.notes.resource = { type: 'User', id };
  const view = await getUser(ctx.rt, ctx.scope, id, { withGroups: shows(projection, 'groups') });
  return respond(ctx, view, 200, projection);
}

/** The event type of a person's update: (de)activation when `active` changed, as the events say. */
function updateEvent(diff: readonly AttributeChange[]): string {
  const active = diff.find((c) => c.attribute === 'active');
  if (active === undefined) return 'user.updated';
  return active.after === false ? 'user.deactivated' : 'user.reactivated';
}

/** The log's event type and before/after of a write that changed the person. */
function noteUserWrite(ctx: ScimContext, result: UserWriteResult, event: string): void {
  if (!result.changed) return;
  ctx.notes.event = event;
  ctx.notes.diff.push(...(result.diff ?? []));
}

export async function postUser(ctx: ScimContext, body: JsonValue, projectionParams: ProjectionParams): Promise<ScimResponse> {
  const projection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  const document = parseUserBody(ctx, body);
  const result = await createUser(ctx.rt, ctx.scope, document, ctx.settings);
  ctx.notes.changed = true;
  ctx.notes.resource = { type: 'User', id: result.user.id };
  ctx.notes.changes.push(result.adopted ? 'adopted an existing profile made outside SCIM' : 'created');
  noteUserWrite(ctx, result, result.adopted ? 'user.updated' : 'user.created');
  ctx.notes.warnings.push(...(result.warnings ?? []));
  return respond(ctx, { user: result.user, groups: [] }, 201, projection);
}

export async function putUser(ctx: ScimContext, id: string, body: JsonValue, projectionParams: ProjectionParams, ifMatch?: VersionPrecondition): Promise<ScimResponse> {
  const projection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  const document = parseUserBody(ctx, body);
  ctx.notes.resource = { type: 'User', id };
  const result = await modifyUser(ctx.rt, ctx.scope, id, () => document, ctx.settings, ifMatch);
  ctx.notes.changed ||= result.changed;
  ctx.notes.changes.push(...(result.changes ?? []));
  noteUserWrite(ctx, result, updateEvent(result.diff ?? []));
  ctx.notes.warnings.push(...(result.warnings ?? []));
  if (result.held) return held(ctx, result.held, result.user.id, projection);
  return readAfterWrite(ctx, result.user.id, projection);
}

/**
 * 202 Accepted: the mass-change guard holds the change for an admin; the body is the resource as
 * it still is. The request log says so.
 */
async function held(ctx: ScimContext, info: { id: string; reason: string }, id: string, projection: Projection): Promise<ScimResponse> {
  ctx.notes.changes.push(`held for approval (${info.id}): ${info.reason}`);
  const response = await readAfterWrite(ctx, id, projection);
  return { ...response, status: 202 };
}

export async function patchUser(ctx: ScimContext, id: string, body: JsonValue, projectionParams: ProjectionParams, ifMatch?: VersionPrecondition): Promise<ScimResponse> {
  const projection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  const normalised = normalisePatchBody('User', body, ctx.userSchema);
  ctx.notes.normalisers.push(...normalised.fired);
  // Bare names of extension attributes are set aside and noted, never applied to the extension.
  const { operations, ignored } = setAsideMisplacedTargets(ctx.userSchema, parsePatchRequest(normalised.body));
  ctx.notes.ignored.push(...ignored);
  ctx.notes.resource = { type: 'User', id };
  const result = await modifyUser(
    ctx.rt,
    ctx.scope,
    id,
    (current) => {
      const patched = applyPatch(ctx.userSchema, fromStored(alias(ctx), current), operations);
      for (const path of patched.ignoredPaths) ctx.notes.ignored.push({ path, reason: 'readOnly' });
      // The patched document is checked like a PUT body: types, primaries, required userName.
      return toStored(alias(ctx), parseResource(ctx.userSchema, patched.document).document);
    },
    ctx.settings,
    ifMatch,
  );
  ctx.notes.changed ||= result.changed;
  ctx.notes.changes.push(...(result.changes ?? []));
  noteUserWrite(ctx, result, updateEvent(result.diff ?? []));
  ctx.notes.warnings.push(...(result.warnings ?? []));
  if (result.held) return held(ctx, result.held, id, projection);
  // Users answer 200 with the resource (README.md#what-the-scim-endpoint-supports; scim-sanity
  // and SCIMple's tests require it).
  return readAfterWrite(ctx, result.user.id, projection);
}

async function readAfterWrite(ctx: ScimContext, id: string, projection: Projection): Promise<ScimResponse> {
  const view = await getUser(ctx.rt, ctx.scope, id, { withGroups: shows(projection, 'groups') });
  return respond(ctx, view, 200, projection);
}

export async function removeUser(ctx: ScimContext, id: string, ifMatch?: VersionPrecondition): Promise<ScimResponse> {
  ctx.notes.resource = { type: 'User', id };
  const result = await deleteUser(ctx.rt, ctx.scope, id, ifMatch, ctx.settings);
  if (result.held) {
    ctx.notes.changes.push(`held for approval (${result.held.id}): ${result.held.reason}`);
    return { status: 202 };
  }
  ctx.notes.changed = true;
  ctx.notes.changes.push('deleted');
  ctx.notes.event = 'user.deleted';
  return { status: 204 };
}
