import type { AttrPath } from './ast.js';
import type { FailAt } from './syntax-error.js';

// RFC 7644 §3.10 ATTRNAME = ALPHA *(nameChar); `$ref` is the one RFC 7643 name outside that rule.
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;
// RFC 8141 shape (NID then colon-separated NSS segments); no whitespace, quotes or brackets, so it
// survives being printed back into a filter.
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[A-Za-z0-9._~%!$&'*+,;=@/?#-]+)+$/i;

/** Whether `name` is a valid RFC 7644 ATTRNAME (or `$ref`). */
export function isAttrName(name: string): boolean {
  return ATTR_NAME.test(name);
}

/** Whether `urn` can stand before `:attribute` in a schema-qualified path. */
export function isSchemaUrn(urn: string): boolean {
  return SCHEMA_URN.test(urn);
}

/** Reads `[schemaUrn ":"] attribute ["." subAttribute]` from one lexed word that starts at `start`. */
export function readAttrPath(text: string, start: number, fail: FailAt): AttrPath {
  // The URN is everything up to the last `:`, so split on `:` before `.`: URNs such as
  // `…:core:2.0:User` contain dots themselves.
  let schema: string | undefined;
  let rest = text;
  let restStart = start;
  const colon = text.lastIndexOf(':');
  if (/^urn:/i.test(text)) {
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    restStart = start + colon + 1;
    if (!isSchemaUrn(schema)) {
      return fail(start, `'${schema}' is not a valid schema URN; expected e.g. 'urn:ietf:params:scim:schemas:core:2.0:User' before ':attribute'`);
    }
    if (rest === '') return fail(restStart, `expected an attribute name after the schema URN '${schema}:'`);
  } else if (colon >= 0) {
    const message = `unexpected ':' in attribute path '${text}'; only a schema URN starting with 'urn:' may contain ':'`;
    return fail(start + colon, message);
  }
  const dot = rest.indexOf('.');
  const attribute = dot < 0 ? rest : rest.slice(0, dot);
  checkName(attribute, restStart, fail);
  if (dot < 0) return schema === undefined ? { attribute } : { schema, attribute };
  const subAttribute = rest.slice(dot + 1);
  if (subAttribute.includes('.')) {
    const at = restStart + dot + 1 + subAttribute.indexOf('.');
    return fail(at, `attribute path '${text}' has more than one '.'; SCIM allows only attribute.subAttribute`);
  }
  checkName(subAttribute, restStart + dot + 1, fail);
  return schema === undefined ? { attribute, subAttribute } : { schema, attribute, subAttribute };
}

/** Reads the `.subAttr` word that may follow a value filter's `]`. */
export function readSubAttribute(text: string, start: number, fail: FailAt): string {
  const name = text.slice(1);
  if (name.includes('.')) {
    return fail(start + 1 + name.indexOf('.'), `'${text}' has more than one '.'; expected a single '.subAttribute' after ']'`);
  }
  checkName(name, start + 1, fail);
  return name;
}

function checkName(name: string, start: number, fail: FailAt): void {
  if (name === '') fail(start, 'expected an attribute name (a letter followed by letters, digits, "-" or "_")');
  if (isAttrName(name)) return;
  // Point at the first offending character, which is what the client has to fix.
  const bad = /^[A-Za-z]/.test(name) ? name.search(/[^A-Za-z0-9_-]/) : 0;
  fail(start + bad, `'${name}' is not a valid attribute name; it must be a letter followed by letters, digits, "-" or "_"`);
}
