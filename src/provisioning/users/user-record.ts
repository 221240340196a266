import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import { userSearchText } from '../../storage/search-text.js';
import { personNameKey } from '../../storage/name-key.js';
import type { EmailRecord, StoredUser, UserRecord, UserSource } from '../../storage/store.js';
import { employeeNumber, missingRecommended } from './person-document.js';

/** The index rows derived from a person's `emails` attribute. */
export function emailRecords(document: JsonObject): EmailRecord[] {
  const emails = document['emails'];
  if (!Array.isArray(emails)) return [];
  const records: EmailRecord[] = [];
  for (const email of emails) {
    if (!isJsonObject(email) || typeof email['value'] !== 'string') continue;
    records.push({
      value: email['value'],
      valueFold: foldText(email['value']),
      type: typeof email['type'] === 'string' ? email['type'] : null,
      primary: email['primary'] === true,
    });
  }
  return records;
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Builds the row to store from a validated document. `active` defaults to true: a person pushed
 * without it is active (RFC 7643 leaves the default to the service provider).
 */
export function userRecordFrom(
  document: JsonObject,
  meta: { id: string; version: number; createdMs: number; modifiedMs: number; source: UserSource; managerId: string | null },
): UserRecord {
  const userName = text(document['userName']) ?? '';
  const displayName = text(document['displayName']);
  const active = document['active'] !== false;
  return {
    id: meta.id,
    userName,
    userNameFold: foldText(userName),
    externalId: text(document['externalId']),
    displayNameFold: displayName === null ? null : foldText(displayName),
    active,
    document,
    emails: emailRecords(document),
    version: meta.version,
    createdMs: meta.createdMs,
    modifiedMs: meta.modifiedMs,
    source: meta.source,
    employeeNumber: employeeNumber(document),
    managerId: meta.managerId,
    missing: missingRecommended(document),
    searchText: userSearchText(document),
    nameKey: personNameKey(document),
  };
}

/** Whether two documents index the same emails (to skip rewriting the email rows). */
export function sameEmails(before: StoredUser, after: UserRecord): boolean {
  return JSON.stringify(emailRecords(before.document)) === JSON.stringify(after.emails);
}
