import { DomainError } from './errors.js';

/** An If-Match precondition: the versions the client believes current, or any ('*'). */
export type VersionPrecondition = readonly number[] | '*';

/** Throws preconditionFailed unless the current version satisfies If-Match (RFC 7644 §3.14). */
export function checkIfMatch(current: number, ifMatch: VersionPrecondition | undefined): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  if (!ifMatch.includes(current)) {
    throw new DomainError('preconditionFailed', `the resource is at version W/"${current}", not the one given in If-Match`);
  }
}
