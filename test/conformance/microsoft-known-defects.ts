/**
 * Where Microsoft's "SCIM Tests" Postman collection is wrong, named assertion by assertion.
 *
 * Only defects of the COLLECTION belong here: the assertions that insist on 204 from a User PATCH, where RFC
 * 7644 §3.5.2 equally allows 200 with the resource (Roster's answer,
 * README.md#what-the-scim-endpoint-supports). A failure caused by the server is a server bug: fix the server,
 * never list it here. microsoft-collection.test.ts fails when a listed assertion passes, is never reached, or
 * fails with another symptom than the one given, so this list cannot go stale or hide a new failure behind an
 * old name.
 *
 * Not listed, because they pass: the request to `/serviceConfiguration` (the path of Microsoft's
 * reference sample, which Roster serves as an alias of `/ServiceProviderConfig`), and every request
 * carrying the collection's placeholder values ("xh", "Bermuda", "emailName357"), which a tenant on
 * default settings keeps as sent and flags on the person.
 */

export type DefectKind =
  /** The assertion wants 204 from a User PATCH; RFC 7644 §3.5.2 equally allows 200 + the resource, Roster's answer (README.md#what-the-scim-endpoint-supports). */
  'user-patch-status';

export interface KnownDefect {
  /** Folder of the request in the collection ('' for a top-level request). */
  readonly folder: string;
  /** Request name, exactly as in the collection. */
  readonly request: string;
  /** Which request of that name in that folder (the collection repeats names): 1 for the first. */
  readonly occurrence: number;
  /** `pm.test` name, exactly as in the collection (typos included). */
  readonly assertion: string;
  readonly kind: DefectKind;
  /** One line: why this is the collection's fault and what Roster answers instead. */
  readonly reason: string;
  /** What the failure must look like (matched against the assertion message and the HTTP exchange). */
  readonly symptom: RegExp;
}

export function defectKey(entry: { folder: string; request: string; occurrence: number; assertion: string }): string {
  const request = entry.occurrence > 1 ? `${entry.request} (#${entry.occurrence})` : entry.request;
  return `${entry.folder || '(top level)'} › ${request} › ${entry.assertion}`;
}

const PATCH_200 =
  'wants 204 from a User PATCH; RFC 7644 §3.5.2 allows 200 with the resource, Roster\'s documented answer for Users (README, "What the SCIM endpoint supports"); the read-back assertions that follow pass.';

/** Every assertion of the collection (README folders, as published) that may fail, and must. */
export const microsoftKnownDefects: readonly KnownDefect[] = [
  {
    folder: 'User tests with garbage',
    request: 'Patch user omalley new username',
    occurrence: 1,
    assertion: 'Status code is 204',
    kind: 'user-patch-status',
    reason: PATCH_200,
    symptom: /status code 204 but got 200/,
  },
  {
    folder: 'User tests with garbage',
    request: 'patch user omalley active with boolean',
    occurrence: 1,
    assertion: 'Status code is 204',
    kind: 'user-patch-status',
    reason: PATCH_200,
    symptom: /status code 204 but got 200/,
  },
];
