import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { etag } from '../messages/etag.js';
import { URN } from '../schemas/urns.js';

/** What every rendered resource needs besides its document. */
interface RenderBase {
  readonly id: string;
  readonly document: JsonObject;
  readonly created: Date;
  readonly lastModified: Date;
  readonly version: number;
  /** Absolute URI of the resource (RFC 7643 §3.1 meta.location). */
  readonly location: string;
}

/** Input of renderUser: the stored user, the tenant's extension URNs, and optionally its groups. */
export interface RenderUserInput extends RenderBase {
  readonly extensionUrns: readonly string[];
  readonly groups?: readonly { value: string; display: string; type: 'direct' }[];
}

/** Input of renderGroup: the stored group and, when loaded, its members. */
export interface RenderGroupInput extends RenderBase {
  readonly members?: readonly { value: string; display?: string; type?: string; $ref?: string }[];
}

function meta(resourceType: 'User' | 'Group', input: RenderBase): JsonObject {
  return {
    resourceType,
    created: input.created.toISOString(),
    lastModified: input.lastModified.toISOString(),
    location: input.location,
    version: etag(input.version),
  };
}

/**
 * The document's core attributes, without keys it must never hold (defensive). Keys with ':' are
 * extension objects (attribute names cannot contain one, RFC 7643 §2.1); they are added by the
 * caller only for extensions the tenant still has.
 */
function coreAttributes(document: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === 'id' || key === 'meta' || key === 'schemas' || key === 'password' || key.includes(':')) continue;
    out[key] = value;
  }
  return out;
}

/** Renders a stored user as an RFC 7643 §4.1 User; `schemas` lists the extensions it has data for. */
export function renderUser(input: RenderUserInput): JsonObject {
  const extensions: JsonObject = {};
  const schemas: JsonValue[] = [URN.user];
  for (const urn of input.extensionUrns) {
    const value = input.document[urn];
    // RFC 7643 §3: `schemas` names the extensions the resource uses; an empty one is not used.
    if (isJsonObject(value) && Object.keys(value).length > 0) {
      schemas.push(urn);
      extensions[urn] = value;
    }
  }
  const user: JsonObject = { schemas, id: input.id, ...coreAttributes(input.document) };
  if (input.groups) user['groups'] = input.groups.map((g) => ({ value: g.value, display: g.display, type: g.type }));
  return { ...user, ...extensions, meta: meta('User', input) };
}

/** Renders a stored group as an RFC 7643 §4.2 Group; `members` only when the caller loaded them. */
/** One element of a group's `members`, as renderGroup writes it (also for members sent a page at a time). */
export function renderMember(m: NonNullable<RenderGroupInput['members']>[number]): JsonObject {
  const member: JsonObject = { value: m.value };
  if (m.display !== undefined) member['display'] = m.display;
  if (m.type !== undefined) member['type'] = m.type;
  if (m.$ref !== undefined) member['$ref'] = m.$ref;
  return member;
}

export function renderGroup(input: RenderGroupInput): JsonObject {
  const group: JsonObject = { schemas: [URN.group], id: input.id, ...coreAttributes(input.document) };
  if (input.members) group['members'] = input.members.map(renderMember);
  group['meta'] = meta('Group', input);
  return group;
}
