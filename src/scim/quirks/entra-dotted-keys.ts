/** E3: with aadOptscim062020, Entra sends a no-path replace whose value keys are attribute paths. */
import type { JsonObject } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { Normaliser } from './normaliser.js';
import { hasNoPath, isPathLikeKey, mapOperations, opOf, valueOf, withMember } from './raw-patch.js';

/**
 * Splits `{"op":"replace","value":{"name.givenName":"K","urn:…:User:employeeNumber":"A"}}` into
 * one operation per path-like key, with that key as `path`. Plain keys stay together in no-path
 * operations, and key order is kept, so the operations apply in the order the client wrote them.
 */
export const entraDottedKeys: Normaliser = {
  name: 'entra-dotted-keys',
  description: 'Splits a no-path add/replace whose value keys are paths ("name.givenName", "urn:…:employeeNumber") into one operation per path.',
  evidence: 'fixtures/entra-replace-multiple-flagged.json; docs/idp-behaviors.md#entra-compliance-flag (replace several attributes, with the flag), E3',
  applies: (stage) => stage === 'patch',
  normalise: (body, { schema }) =>
    mapOperations(body, (operation) => {
      const op = opOf(operation);
      const value = valueOf(operation, 'value');
      if ((op !== 'add' && op !== 'replace') || !hasNoPath(operation) || !isJsonObject(value)) return undefined;
      const keys = Object.keys(value);
      if (!keys.some((key) => isPathLikeKey(schema, key))) return undefined;
      const out: JsonObject[] = [];
      let plain: JsonObject | undefined;
      for (const key of keys) {
        const item = value[key] ?? null;
        if (isPathLikeKey(schema, key)) {
          plain = undefined;
          out.push(withMember(withMember(operation, 'value', item), 'path', key));
        } else if (plain === undefined) {
          plain = { [key]: item };
          out.push(withMember(operation, 'value', plain));
        } else {
          plain[key] = item;
        }
      }
      return out;
    }),
};
