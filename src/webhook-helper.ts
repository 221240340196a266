/**
 * For receivers of Roster's webhooks: verify a request's signature and get a typed event. The same
 * as the dependency-free `roster-scim-webhooks` package (which a receiver can install on its own,
 * without the server); kept here so `roster-scim/webhook-helper` goes on working.
 */
export * from 'roster-scim-webhooks';
