import type { JsonObject } from '../../json/json-value.js';
import type { ProvisioningRuntime } from '../../provisioning/runtime.js';
import type { TenantSettings } from '../../provisioning/tenants/tenant-settings.js';
import type { TenantScope } from '../../storage/store.js';
import type { AttributeChange } from '../../provisioning/users/person-document.js';
import type { ResourceSchema } from '../schemas/registry.js';
import type { IgnoredAttribute } from '../resources/parse-resource.js';

/** Limits the endpoints enforce, from configuration. */
export interface ScimLimits {
  readonly defaultPageSize: number;
  readonly maxResults: number;
  readonly maxBulkOperations: number;
  readonly maxMembersPerPatch: number;
}

/** What a request noted about itself, for bookkeeping and the request log. */
export interface RequestNotes {
  changed: boolean;
  /** The resource the request was about, once known. */
  resource?: { readonly type: 'User' | 'Group'; readonly id: string };
  /** Attributes changed, member counts, adoption: a short account for the provisioning log. */
  readonly changes: string[];
  /** Values stored despite breaking a rule the tenant only reports. */
  readonly warnings: string[];
  readonly normalisers: string[];
  readonly ignored: IgnoredAttribute[];
  readonly leniencies: string[];
  /** The event type of the change made (`user.created`, …), for the log's filter. */
  event?: string;
  /** Before and after of each attribute a person's write changed (the write path's own diff). */
  readonly diff: AttributeChange[];
}

/**
 * Everything an endpoint needs for one authenticated request: the tenant scope (a value passed
 * along, never stored on a shared object), the base URL for locations, and the runtime.
 */
export interface ScimContext {
  readonly rt: ProvisioningRuntime;
  readonly scope: TenantScope;
  /** e.g. https://host/scim/v2 or https://host/t/acme/scim/v2 — no trailing slash. */
  readonly baseUrl: string;
  /** The tenant's settings (languages, matching field, extension URN, SSO updates). */
  readonly settings: TenantSettings;
  /** The User resource as this tenant publishes it (its extension URN included). */
  readonly userSchema: ResourceSchema;
  readonly groupSchema: ResourceSchema;
  readonly limits: ScimLimits;
  readonly notes: RequestNotes;
}

/** What an endpoint answers; the route (or /Bulk) turns it into HTTP. */
export interface ScimResponse {
  readonly status: number;
  readonly body?: JsonObject;
  /**
   * The body as JSON text in pieces, for a document too large to hold at once (a group's members
   * read a page at a time); the same bytes `body` would serialise to. Set instead of `body`.
   */
  readonly stream?: AsyncIterable<string>;
  readonly location?: string;
  readonly etag?: string;
}

/** Query-string parameters endpoints read besides list parameters. */
export interface ProjectionParams {
  readonly attributes?: string | undefined;
  readonly excludedAttributes?: string | undefined;
}

export function newNotes(): RequestNotes {
  return { changed: false, changes: [], warnings: [], normalisers: [], ignored: [], leniencies: [], diff: [] };
}
