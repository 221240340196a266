import type { Condition } from '../../storage/query.js';
import { ScimError } from '../errors.js';

/**
 * `members.$ref` is not stored: Roster renders it from the member's type and id
 * (`…/Users/<id>`, `…/Groups/<id>`). So a filter on it is a filter on those two — whatever host
 * the client's URL names, since a proxy may show another. RFC 7643 §4.2 makes it a reference;
 * eq, ne and pr are what references are compared with here.
 */
export function memberRefsAsIds(condition: Condition, insideMembers = false): Condition {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return { kind: condition.kind, left: memberRefsAsIds(condition.left, insideMembers), right: memberRefsAsIds(condition.right, insideMembers) };
    case 'not':
      return { kind: 'not', condition: memberRefsAsIds(condition.condition, insideMembers) };
    case 'any':
      return condition.collection.length === 1 && condition.collection[0]?.toLowerCase() === 'members'
        ? { ...condition, condition: memberRefsAsIds(condition.condition, true) }
        : condition;
    case 'present':
    case 'compare':
      if (!insideMembers || condition.field.path.length !== 1 || condition.field.path[0] !== '$ref') return condition;
      return refCondition(condition);
    default:
      return condition;
  }
}

function refCondition(condition: Extract<Condition, { kind: 'present' | 'compare' }>): Condition {
  const value = { path: ['value'], type: 'string' as const, caseExact: true };
  if (condition.kind === 'present') return { kind: 'present', field: value };
  const { op } = condition;
  if ((op !== 'eq' && op !== 'ne') || typeof condition.value !== 'string') {
    throw ScimError.badRequest('invalidFilter', 'members.$ref is compared with eq, ne or pr and a URI');
  }
  const match = /\/(Users|Groups)\/([^/?#]+)\/?$/.exec(condition.value);
  const names: Condition = match
    ? {
        kind: 'and',
        left: { kind: 'compare', field: value, op: 'eq', value: decodeURIComponent(match[2] ?? '') },
        right: { kind: 'compare', field: { path: ['type'], type: 'string', caseExact: true }, op: 'eq', value: match[1] === 'Users' ? 'User' : 'Group' },
      }
    : { kind: 'constant', value: false };
  return op === 'eq' ? names : { kind: 'not', condition: names };
}
