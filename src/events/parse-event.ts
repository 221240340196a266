import { z } from 'zod';
import type { EventType, RosterEvent } from './event-types.js';

/** Why an event or its signature was refused; `code` is stable for programs, `message` for people. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: 'missing_signature' | 'malformed_signature' | 'timestamp_out_of_tolerance' | 'signature_mismatch' | 'invalid_event' | 'unknown_event_type',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

// Payloads are checked for what a receiver relies on; unknown extra fields are kept (forward compatible).
const json = z.custom<unknown>(() => true);
const id = z.string().min(1);
const person = z.looseObject({ id, userName: z.string() });
const changes = z.array(z.looseObject({ attribute: z.string(), before: json, after: json }));
const group = z.looseObject({ id, displayName: z.string().nullable().optional() });
const folder = z.looseObject({ id, kind: z.enum(['department', 'division', 'organization']), value: z.string() });
const members = z.array(z.string());
const valueFlags = z.array(z.looseObject({ path: z.string(), value: z.string(), rule: z.string(), accepted: z.string() })).optional();
const versioned = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject({ schemaVersion: z.number().int().positive(), ...shape });

const PAYLOADS: Record<EventType, z.ZodType> = {
  'user.created': versioned({
    user: z.looseObject({ id, userName: z.string(), externalId: z.string().nullable(), active: z.boolean(), managerId: z.string().nullable(), attributes: z.record(z.string(), json) }),
    valueFlags,
  }),
  'user.updated': versioned({ user: person, changes, adopted: z.boolean().optional(), valueFlags }),
  'user.deactivated': versioned({ user: person }),
  'user.reactivated': versioned({ user: person }),
  'user.deleted': versioned({ user: z.looseObject({ id }) }),
  'user.manager_linked': versioned({ user: z.looseObject({ id }), manager: z.looseObject({ id }), reference: z.string() }),
  'group.created': versioned({ group: z.looseObject({ id, displayName: z.string(), externalId: z.string().nullable() }) }),
  'group.updated': versioned({ group: z.looseObject({ id, displayName: z.string() }), changes }),
  'group.deleted': versioned({ group: z.looseObject({ id, displayName: z.string() }) }),
  'group.members_added': versioned({ group, members }),
  'group.members_removed': versioned({ group, members }),
  'folder.members_added': versioned({ folder, members }),
  'folder.members_removed': versioned({ folder, members }),
};

const envelope = z.looseObject({
  id,
  type: z.string(),
  seq: z.number().int().positive(),
  tenant: z.looseObject({ id, slug: z.string() }),
  occurredAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time'),
  data: z.looseObject({}),
});

const isKnownType = (type: string): type is EventType => Object.hasOwn(PAYLOADS, type);

/**
 * Parses a webhook body or one feed item into a typed event. Throws WebhookVerificationError with
 * code `invalid_event` for a malformed one and `unknown_event_type` for a type this version does
 * not know (a receiver may log and acknowledge those).
 */
export function parseEvent(input: string | Uint8Array | unknown): RosterEvent {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
    } catch {
      throw new WebhookVerificationError('invalid_event', 'the body is not JSON');
    }
  }
  const parsed = envelope.safeParse(value);
  if (!parsed.success) throw new WebhookVerificationError('invalid_event', `not a Roster event: ${summarise(parsed.error)}`);
  const { type, data } = parsed.data;
  if (!isKnownType(type)) throw new WebhookVerificationError('unknown_event_type', `unknown event type "${type}"`);
  const payload = PAYLOADS[type].safeParse(data);
  if (!payload.success) throw new WebhookVerificationError('invalid_event', `${type} data: ${summarise(payload.error)}`);
  // Validated above, field by field; extra fields pass through untouched.
  return value as RosterEvent;
}

function summarise(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
