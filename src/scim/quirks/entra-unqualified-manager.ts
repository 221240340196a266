/** Example 5 and E10: Entra's PATCH names the enterprise `manager` without the extension's URN. */
import type { JsonObject } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { parsePatchPath } from '../filter/parse-patch-path.js';
import { commonAttributes, findAttribute, findExtension } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import type { Normaliser } from './normaliser.js';
import { hasNoPath, keyOf, mapOperations, opOf, pathOf, valueOf, withMember } from './raw-patch.js';

/** Whether `raw` is `manager` or `manager.<sub>` with no schema URN (any case). */
function isBareManagerPath(raw: string): boolean {
  try {
    const parsed = parsePatchPath(raw.trim());
    return parsed.path.schema === undefined && parsed.path.attribute.toLowerCase() === 'manager' && parsed.valueFilter === undefined;
  } catch {
    return false;
  }
}

/**
 * A bare name is a core attribute (RFC 7644 §3.10), and the core User has no `manager`, so bare
 * names of extension attributes are otherwise set aside with a note. Entra documents this one
 * shape on purpose: `"path":"manager"` is rewritten to the enterprise URN's `manager`, and a bare
 * `manager` key of a no-path value moves into the enterprise extension's object (unless that
 * object already has a manager, which leaves the choice to the client and the bare key ignored).
 */
export const entraUnqualifiedManager: Normaliser = {
  name: 'entra-unqualified-manager',
  description: 'Qualifies the enterprise manager sent without its URN in a PATCH ("path": "manager", or a bare manager key in a no-path value).',
  evidence: 'fixtures/entra-set-manager-example5.json; docs/idp-behaviors.md#entra-example-requests, Example 5 (unqualified path "manager"), E10',
  applies: (stage, resourceType) => stage === 'patch' && resourceType === 'User',
  normalise: (body, { schema }) => {
    const enterprise = findExtension(schema, URN.enterpriseUser);
    const ownsManager = enterprise !== undefined && findAttribute(enterprise.attributes, 'manager') !== undefined;
    const coreHasManager = findAttribute(schema.core.attributes, 'manager') ?? findAttribute(commonAttributes, 'manager');
    if (!enterprise || !ownsManager || coreHasManager) return { body, fired: false };
    return mapOperations(body, (operation) => {
      const raw = pathOf(operation);
      if (raw !== undefined) {
        return isBareManagerPath(raw) ? [withMember(operation, 'path', `${enterprise.id}:${raw.trim()}`)] : undefined;
      }
      const op = opOf(operation);
      const value = valueOf(operation, 'value');
      if ((op !== 'add' && op !== 'replace') || !hasNoPath(operation) || !isJsonObject(value)) return undefined;
      const managerKey = keyOf(value, 'manager');
      if (managerKey === undefined) return undefined;
      const extensionKey = keyOf(value, enterprise.id) ?? enterprise.id;
      const existing = value[extensionKey];
      if (existing !== undefined && existing !== null && !isJsonObject(existing)) return undefined;
      const extensionObject: JsonObject = isJsonObject(existing) ? existing : {};
      if (keyOf(extensionObject, 'manager') !== undefined) return undefined;
      const moved: JsonObject = {};
      for (const [key, item] of Object.entries(value)) if (key !== managerKey && key !== extensionKey) moved[key] = item;
      moved[extensionKey] = { ...extensionObject, manager: value[managerKey] ?? null };
      return [withMember(operation, 'value', moved)];
    });
  },
};
