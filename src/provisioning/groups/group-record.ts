import type { JsonObject } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { GroupRecord } from '../../storage/store.js';

/** Builds the row to store from a validated group document (displayName and externalId). */
export function groupRecordFrom(document: JsonObject, meta: { id: string; version: number; createdMs: number; modifiedMs: number }): GroupRecord {
  const displayName = typeof document['displayName'] === 'string' ? document['displayName'] : '';
  return {
    id: meta.id,
    displayName,
    displayNameFold: foldText(displayName),
    externalId: typeof document['externalId'] === 'string' ? document['externalId'] : null,
    document,
    version: meta.version,
    createdMs: meta.createdMs,
    modifiedMs: meta.modifiedMs,
  };
}
