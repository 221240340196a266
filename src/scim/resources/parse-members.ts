import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { groupSchema } from '../schemas/group.js';
import { findAttribute } from '../schemas/registry.js';
import { ScimError } from '../errors.js';
import { isNoValue } from './canonicalise-value.js';
import { describeValue, typeError } from './check-type.js';
import { ignoredEntry, type IgnoredAttribute } from './ignored-attribute.js';
import { suggestSubAttribute } from './suggest-attribute.js';

/** One member named in a Group body or PATCH value; resolving `value` to a User or Group is the domain's job. */
export interface MemberInput {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

const membersDefinition = findAttribute(groupSchema.attributes, 'members');

/**
 * Group members as sent (RFC 7643 §4.2), duplicates collapsed (first one wins). `null` and `[]`
 * give `[]`; one object counts as a list of one. Also for PATCH values, hence exported.
 */
export function parseMembers(value: JsonValue, ignored: IgnoredAttribute[], path = 'members'): MemberInput[] {
  if (isNoValue(value)) return [];
  let items: JsonValue[];
  if (Array.isArray(value)) items = value;
  else if (isJsonObject(value)) items = [value];
  else throw typeError(path, value, 'an array of objects such as {"value": "<id>"}');
  const seen = new Set<string>();
  const members: MemberInput[] = [];
  for (const item of items) {
    if (item === null) {
      ignored.push(ignoredEntry(path, 'nullValue'));
      continue;
    }
    if (!isJsonObject(item)) throw typeError(path, item, 'an object such as {"value": "<id>"}');
    const member = parseMember(item, path, ignored);
    // members.value is caseExact (RFC 7643 §8.7.1), so duplicates are compared exactly.
    if (seen.has(member.value)) continue;
    seen.add(member.value);
    members.push(member);
  }
  return members;
}

function stringAt(path: string, raw: JsonValue): string {
  if (typeof raw !== 'string') throw typeError(path, raw, 'a string');
  return raw;
}

function parseMember(item: JsonObject, path: string, ignored: IgnoredAttribute[]): MemberInput {
  let value: string | undefined;
  let type: 'User' | 'Group' | undefined;
  let display: string | undefined;
  let displayName: string | undefined;
  for (const [key, raw] of Object.entries(item)) {
    if (isNoValue(raw)) continue;
    switch (key.toLowerCase()) {
      case 'value':
        value = stringAt(`${path}.value`, raw);
        break;
      case 'type': {
        const text = typeof raw === 'string' ? raw.toLowerCase() : '';
        if (text !== 'user' && text !== 'group') throw typeError(`${path}.type`, raw, '"User" or "Group"');
        type = text === 'user' ? 'User' : 'Group';
        break;
      }
      case 'display':
        display = stringAt(`${path}.display`, raw);
        break;
      case 'displayname':
        // Microsoft's Postman collection names the member `displayName`
        // (docs/idp-behaviors.md#microsoft-collection).
        displayName = stringAt(`${path}.displayName`, raw);
        break;
      case '$ref':
        // Entra sends "$ref": null or a URL; Roster derives $ref from value, so a client's copy adds nothing.
        break;
      default:
        ignored.push(ignoredEntry(`${path}.${key}`, 'unknownAttribute', membersDefinition && suggestSubAttribute(membersDefinition, path, key)));
    }
  }
  if (value === undefined || value === '') {
    throw ScimError.badRequest('invalidValue', `Each "${path}" entry needs a "value" (the member's id); received ${describeValue(item)}.`);
  }
  const chosen = display ?? displayName;
  return { value, ...(type && { type }), ...(chosen !== undefined && { display: chosen }) };
}
