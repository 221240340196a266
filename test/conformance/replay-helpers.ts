/** Shared checks for the IdP replay suites (okta-replay, entra-replay). */
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../../src/json/json-value.js';
import type { TestResponse, TestServer } from '../../src/testing/test-server.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** What a failed assertion prints: the request and the whole answer. */
export function said(label: string, response: TestResponse): string {
  return `${label} → ${response.status} ${response.raw.slice(0, 1500)}`;
}

export function assertScimJson(response: TestResponse, label: string): void {
  assert.match(String(response.headers['content-type'] ?? ''), /^application\/scim\+json/, `${label}: content-type`);
}

/** A ListResponse with integer counters (Okta O8) and `Resources` always present; returns the resources. */
export function assertListResponse(response: TestResponse, label: string, totalResults?: number): JsonObject[] {
  assert.equal(response.status, 200, said(label, response));
  assertScimJson(response, label);
  const body = response.body;
  assert.ok(Array.isArray(body['schemas']) && body['schemas'].includes(LIST), `${label}: ListResponse schema ${response.raw}`);
  for (const counter of ['totalResults', 'startIndex', 'itemsPerPage']) {
    assert.ok(Number.isInteger(body[counter]), `${label}: ${counter} must be an integer, got ${JSON.stringify(body[counter])}`);
  }
  assert.ok(Array.isArray(body['Resources']), `${label}: Resources must be an array ${response.raw}`);
  const resources = body['Resources'] as JsonObject[];
  assert.equal(body['itemsPerPage'], resources.length, `${label}: itemsPerPage is the number of resources returned`);
  if (totalResults !== undefined) assert.equal(body['totalResults'], totalResults, said(label, response));
  return resources;
}

/** A SCIM error: the HTTP status, the Error schema, `status` as a string (RFC 7644 §3.12), a detail. */
export function assertScimError(response: TestResponse, status: number, label: string, scimType?: string): void {
  assert.equal(response.status, status, said(label, response));
  assertScimJson(response, label);
  const body = response.body;
  assert.ok(Array.isArray(body['schemas']) && body['schemas'].includes(ERROR), `${label}: Error schema ${response.raw}`);
  assert.equal(body['status'], String(status), `${label}: status must be the string "${status}"`);
  assert.ok(typeof body['detail'] === 'string' && body['detail'].length > 0, `${label}: detail must be a non-empty string`);
  if (scimType !== undefined) assert.equal(body['scimType'], scimType, said(label, response));
}

export function idOf(response: TestResponse, label: string): string {
  const id = response.body['id'];
  assert.ok(typeof id === 'string' && id.length > 0, `${label}: the answer must carry an id ${response.raw}`);
  return id;
}

/** The sorted member ids of a group, read back with a plain GET. */
export async function memberIds(t: TestServer, groupId: string, headers: Record<string, string> = {}): Promise<string[]> {
  const response = await t.scim('GET', `/Groups/${groupId}`, undefined, headers);
  assert.equal(response.status, 200, said(`GET /Groups/${groupId}`, response));
  const members = (response.body['members'] ?? []) as JsonObject[];
  return members.map((m) => String(m['value'])).sort();
}

/** The document Roster stored for a user, straight from the database. */
export async function storedUserDocument(t: TestServer, id: string): Promise<JsonValue | undefined> {
  const stored = await t.server.store.read({ tenantId: t.tenant.id }, (r) => r.users.findById(id));
  return stored?.document;
}
