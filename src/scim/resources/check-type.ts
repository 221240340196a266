import { isJsonObject, type JsonValue } from '../../json/json-value.js';
import type { AttributeDefinition, AttributeType } from '../schemas/attribute.js';
import { ScimError } from '../errors.js';

/** Wording for the "expected …" part of an invalidValue detail, per RFC 7643 §2.3 data type. */
const EXPECTED: Record<AttributeType, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  decimal: 'a number',
  dateTime: 'a dateTime (RFC 3339, e.g. "2008-01-23T04:56:22Z")',
  reference: 'a reference (a URI string)',
  binary: 'a base64-encoded string',
  complex: 'an object',
};

const MAX_SHOWN = 40;

/** The received value as JSON, cut short so a detail never echoes a whole (possibly huge) body. */
export function describeValue(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** The 400 invalidValue error for a value of the wrong type, naming path, value and expected type. */
export function typeError(path: string, value: JsonValue, expected: string): ScimError {
  return ScimError.badRequest('invalidValue', `Attribute "${path}" must be ${expected}; received ${describeValue(value)}.`);
}

/** The expected-type wording for a definition, for callers building their own detail. */
export function expectedType(definition: AttributeDefinition): string {
  return EXPECTED[definition.type];
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))?$/;

/**
 * xsd:dateTime as RFC 7643 §2.3.5 requires, checked field by field (a regex alone accepts
 * 2024-02-30). Any number of fractional digits: Microsoft sends seven. The zone is optional
 * in xsd:dateTime, so it is optional here too.
 */
export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offHour, offMinute] = match.slice(1).map((part) => Number(part ?? 0));
  if (year === undefined || month === undefined || day === undefined) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  // second 60 is an RFC 3339 §5.6 leap second.
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60) return false;
  return (offHour ?? 0) <= 23 && (offMinute ?? 0) <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function matchesType(type: AttributeType, value: JsonValue): boolean {
  switch (type) {
    case 'string':
    case 'reference': // relative and absolute URIs alike; the RFC gives no stricter rule to enforce
    case 'binary': // stored as sent; decoding is the consumer's business
      return typeof value === 'string';
    case 'boolean':
      // Only JSON booleans: Entra's "True"/"False" are rewritten earlier by scim/quirks.
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'dateTime':
      return typeof value === 'string' && isDateTime(value);
    case 'complex':
      return isJsonObject(value);
  }
}

/** Throws 400 invalidValue unless `value` (one value, never an array) has the definition's type. */
export function checkType(definition: AttributeDefinition, value: JsonValue, path: string): void {
  if (!matchesType(definition.type, value)) throw typeError(path, value, EXPECTED[definition.type]);
}
