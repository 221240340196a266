import { EVENT_TYPES, type EventType, type RosterEvent } from './event-types.js';
import { WebhookVerificationError } from './verification-error.js';

/**
 * What a receiver relies on is checked field by field, by hand: this package has no dependencies.
 * Unknown extra fields are kept (a newer Roster may add some).
 */
type Check = (value: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, path) => (typeof v === 'string' ? undefined : `${path}: expected a string`);
const id: Check = (v, path) => (typeof v === 'string' && v.length > 0 ? undefined : `${path}: expected a non-empty string`);
const boolean: Check = (v, path) => (typeof v === 'boolean' ? undefined : `${path}: expected a boolean`);
const anything: Check = () => undefined;
const nullable =
  (inner: Check): Check =>
  (v, path) =>
    v === null ? undefined : inner(v, path);
const optional =
  (inner: Check): Check =>
  (v, path) =>
    v === undefined ? undefined : inner(v, path);
const oneOf =
  (...values: readonly string[]): Check =>
  (v, path) =>
    typeof v === 'string' && values.includes(v) ? undefined : `${path}: expected one of ${values.join(', ')}`;

function object(shape: Record<string, Check>): Check {
  return (v, path) => {
    if (!isObject(v)) return `${path}: expected an object`;
    for (const [key, check] of Object.entries(shape)) {
      const problem = check(v[key], path === '' ? key : `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function array(item: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path}: expected an array`;
    for (const [i, element] of v.entries()) {
      const problem = item(element, `${path}.${i}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const person = object({ id, userName: string });
const changes = array(object({ attribute: string, before: anything, after: anything }));
const group = object({ id, displayName: optional(nullable(string)) });
const folder = object({ id, kind: oneOf('department', 'division', 'organization'), value: string });
const members = array(string);
const valueFlags = optional(array(object({ path: string, value: string, rule: string, accepted: string })));
const schemaVersion: Check = (v, path) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? undefined : `${path}: expected a positive integer`);
const versioned = (shape: Record<string, Check>): Check => object({ schemaVersion, ...shape });

const PAYLOADS: Record<EventType, Check> = {
  'user.created': versioned({
    user: object({ id, userName: string, externalId: nullable(string), active: boolean, managerId: nullable(string), attributes: object({}) }),
    valueFlags,
  }),
  'user.updated': versioned({ user: person, changes, adopted: optional(boolean), valueFlags }),
  'user.deactivated': versioned({ user: person }),
  'user.reactivated': versioned({ user: person }),
  'user.deleted': versioned({ user: object({ id }) }),
  'user.manager_linked': versioned({ user: object({ id }), manager: object({ id }), reference: string }),
  'group.created': versioned({ group: object({ id, displayName: string, externalId: nullable(string) }) }),
  'group.updated': versioned({ group: object({ id, displayName: string }), changes }),
  'group.deleted': versioned({ group: object({ id, displayName: string }) }),
  'group.members_added': versioned({ group, members }),
  'group.members_removed': versioned({ group, members }),
  'folder.members_added': versioned({ folder, members }),
  'folder.members_removed': versioned({ folder, members }),
  'tenant.live': versioned({
    snapshotSeq: (v, path) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? undefined : `${path}: expected a positive integer`),
    snapshot: string,
  }),
};

const occurredAt: Check = (v, path) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : `${path}: expected an ISO 8601 time`);
const seq: Check = (v, path) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? undefined : `${path}: expected a positive integer`);
const envelope = object({ id, type: string, seq, tenant: object({ id, slug: string }), occurredAt, data: object({}) });

const isKnownType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

/**
 * Parses a webhook body or one feed item into a typed event. Throws WebhookVerificationError with
 * code `invalid_event` for a malformed one and `unknown_event_type` for a type this version does
 * not know (a receiver may log and acknowledge those).
 */
export function parseEvent(input: string | Uint8Array | unknown): RosterEvent {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
    } catch {
      throw new WebhookVerificationError('invalid_event', 'the body is not JSON');
    }
  }
  const problem = envelope(value, '');
  if (problem || !isObject(value)) throw new WebhookVerificationError('invalid_event', `not a Roster event: ${problem ?? 'expected an object'}`);
  const type = value['type'] as string;
  if (!isKnownType(type)) throw new WebhookVerificationError('unknown_event_type', `unknown event type "${type}"`);
  const payloadProblem = PAYLOADS[type](value['data'], 'data');
  if (payloadProblem) throw new WebhookVerificationError('invalid_event', `${type} ${payloadProblem}`);
  // Checked above, field by field; extra fields pass through untouched.
  return value as RosterEvent;
}
