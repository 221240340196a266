// Generated from the admin API's answer schemas (src/admin/view-schemas.ts) by
// `npm run console-types`; do not edit (a test fails when this file is stale).
// The same schemas describe /admin/api/v1/openapi.json.

export type Session = {
  admin: Admin;
  csrfToken: string;
  expiresAt: string;
};

export type Admin = {
  id: string;
  email: string;
  role: "operator" | "tenant";
  tenant: string | null;
};

export type TenantDetail = {
  tenant: Tenant;
  settings: Settings;
  endpoints: Endpoints;
};

export type Tenant = {
  slug: string;
  name: string;
  provisioningEnabled: boolean;
  /** preview: the first sync is received and checked but kept from the host until an admin presses Go live. */
  mode: "live" | "preview";
  createdAt: string | null;
  lastScimRequestAt: string | null;
  lastScimChangeAt: string | null;
  webhooks: {
    /** ok: every webhook stream of the tenant delivers; retrying: one failed lately; failing: one has failed for 10 minutes or 5 attempts, or stopped at a dead letter. */
    health: "ok" | "retrying" | "failing";
    troubles: {
      endpointId: string;
      label: string;
      health: "retrying" | "failing";
      attempts: number;
      failingSince: string | null;
      lastError: string | null;
      message: string;
    }[];
  };
  health?: TenantHealth;
};

/** As `roster doctor` judges the tenant (silence beyond the IdP's rhythm, failing requests), with held changes and webhook findings; level is the worst finding's severity. */
export type TenantHealth = {
  level: "ok" | "note" | "warning" | "problem";
  findings: {
    severity: "note" | "warning" | "problem";
    message: string;
  }[];
  lastError: {
    at: string | null;
    method: string;
    path: string;
    status: number;
    error: string | null;
  } | null;
  failedRecent: number;
  recentRequests: number;
  heldChanges: number;
};

export type Settings = {
  /** Language tags a person's preferredLanguage may take (`_` and `-` alike, any case). */
  supportedLanguages: string[];
  /** Which field identifies a person when a create arrives for someone who may already exist. */
  matchingField: "userName" | "email" | "externalId";
  /** The URN Roster's user extension is published under. */
  extensionUrn: string;
  /** Whether an SSO login may overwrite attributes SCIM manages (false: SCIM is the source of truth). */
  ssoMayUpdate: boolean;
  /** report: a value breaking a rule (hireDate, timezone, language, country, email) is stored as sent and flagged on the person and in the provisioning log; enforce: it is refused with 400 invalidValue and nothing is written. */
  valueRules: "enforce" | "report";
  /** on: deactivations, deletions and emptied groups past the mass-change limits are held for an admin to approve or discard instead of applied. */
  massChangeGuard: "on" | "off";
  /** Percent of the active people that may be deactivated or deleted within the window; further removals are held. */
  massChangePercent: number;
  /** The window, in minutes, that the mass-change percent counts removals over. */
  massChangeWindowMinutes: number;
  /** The percent limit guards tenants with at least this many active people. */
  massChangeMinActive: number;
  /** A request that would empty a group of more members than this is held. */
  massChangeGroupSize: number;
  /** Days the provisioning log keeps an entry; older ones are deleted in the background. */
  logRetentionDays: number;
  /** Days the outbox keeps an event once every webhook endpoint has received it; the feed then answers a cursor from before the oldest kept event with 410. */
  eventRetentionDays: number;
  provisioningEnabled: boolean;
};

export type Endpoints = {
  byCredential: string;
  byTenantPath: string;
};

/** The one answer that carries the secret: it is not stored and never shown again. */
export type IssuedCredential = {
  credential: Credential;
  secret: string;
  key?: string;
};

export type Credential = {
  id: string;
  kind: "bearer" | "basic";
  label: string;
  /** Basic: the username. */
  key?: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type PeoplePage = {
  people: Person[];
  /** A lower bound when totalExact is false (the console counts at most 10,000). */
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
};

export type Person = {
  id: string;
  userName: string;
  name: string | null;
  email: string | null;
  title: string | null;
  department: string | null;
  active: boolean;
  source: "scim" | "sso" | "admin" | "import";
  /** Recommended attributes the profile lacks. */
  missing: string[];
  createdAt: string | null;
  modifiedAt: string | null;
};

export type PersonDetail = {
  person: {
    id: string;
    userName: string;
    name: string | null;
    email: string | null;
    title: string | null;
    department: string | null;
    active: boolean;
    source: "scim" | "sso" | "admin" | "import";
    /** Recommended attributes the profile lacks. */
    missing: string[];
    createdAt: string | null;
    modifiedAt: string | null;
    externalId: string | null;
    employeeNumber: string | null;
    attributes: { [key: string]: Json };
    /** Values kept as sent that break a rule under the tenant's current settings. */
    valueFlags: ValueFlag[];
  };
  groups: {
    id: string;
    displayName: string;
  }[];
  folders: FolderRef[];
  manager: Person | null;
  reports: Person[];
  pending: Pending[];
  history: LogEntry[];
};

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A value kept exactly as the identity provider sent it that breaks one of the directory's rules. */
export type ValueFlag = {
  path: string;
  value: string;
  rule: "iso-date" | "iana-timezone" | "tenant-language" | "iso-country" | "email-address";
  accepted: string;
};

export type FolderRef = {
  id: string;
  kind: "department" | "division" | "organization";
  value: string;
};

export type Pending = {
  kind: "manager" | "member";
  subjectId: string;
  subjectName?: string | null;
  reference: string;
  since: string | null;
  ageSeconds: number;
};

export type LogEntry = {
  id: string;
  at: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The client User-Agent. */
  client: string | null;
  /** Label of the credential used (never the secret). */
  credential: string | null;
  resourceType: string | null;
  resourceId: string | null;
  changed: boolean;
  changes: string[];
  ignored: {
    path: string;
    reason: string;
    /** The attribute or schema URN probably meant. */
    suggestion: string | null;
    matches: string[];
  }[];
  /** IdP normalisers that fired. */
  normalisers: string[];
  warnings: string[];
  leniencies: string[];
  error: string | null;
  /** The event type of the change the request made (user.created, …), null when none or before this was kept. */
  event: string | null;
  /** Before and after of each attribute a person write changed (secrets redacted, long values cut). */
  diff: {
    attribute: string;
    before: Json | null;
    after: Json | null;
  }[];
};

export type Group = {
  id: string;
  displayName: string;
  externalId: string | null;
  /** Direct members, counted up to 10,000; a lower bound when memberCountExact is false. */
  memberCount: number;
  /** False when memberCount stopped at 10,000 and there are more. */
  memberCountExact: boolean;
  createdAt: string | null;
  modifiedAt: string | null;
};

export type Folder = {
  id: string;
  kind: "department" | "division" | "organization";
  value: string;
  /** Direct members, counted up to 10,000; a lower bound when memberCountExact is false. */
  memberCount: number;
  /** False when memberCount stopped at 10,000 and there are more. */
  memberCountExact: boolean;
  createdAt: string | null;
};

export type DuplicatesPage = {
  duplicates: Duplicate[];
  /** Sets in the tenant; a lower bound when totalExact is false. */
  total: number;
  totalExact: boolean;
  /** Where the next page starts. Each page reads a bounded part of the index, so a page may hold fewer sets than asked (even none) and still have a next one. */
  nextCursor: string | null;
};

export type Duplicate = {
  reason: "email" | "name";
  key: string;
  /** The first 20 people of the set. */
  people: Person[];
  /** More people share the key than people lists. */
  more: boolean;
};

/** A browser signed in with a setup link: one tenant's provisioning setup and nothing else. */
export type SetupSession = {
  tenant: {
    slug: string;
    name: string;
  };
  idp: string | null;
  branding: SetupBranding;
  csrfToken: string;
  expiresAt: string;
};

export type SetupBranding = {
  productName?: string;
  logoUrl?: string;
  accent?: string;
  returnUrl?: string;
};

export type SetupOverview = {
  tenant: {
    slug: string;
    name: string;
    provisioningEnabled: boolean;
    /** preview: the first sync is received and checked but kept from the host until an admin presses Go live. */
    mode: "live" | "preview";
  };
  endpoints: Endpoints;
};

export type SetupLink = {
  id: string;
  state: "open" | "expired" | "used" | "revoked" | "unknown";
  createdAt: string | null;
  expiresAt: string | null;
  singleUse: boolean;
  idp: string | null;
  branding: SetupBranding;
  /** admin:<id>, host-key:<id> or cli. */
  createdBy: string;
  uses: number;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type Guide = {
  idp: string;
  name: string;
  title: string;
  intro: string;
  terms: {
    url: string;
    token: string;
    test: string;
  };
  sections: {
    id: string;
    title: string;
    kind: string;
    blocks: GuideBlock[];
  }[];
};

export type GuideBlock = {
  type: "md";
  text: string;
} | {
  type: "table";
  header: string[];
  rows: string[][];
} | {
  type: "scim-url";
} | {
  type: "token";
} | {
  type: "live-check";
} | {
  type: "if-it-fails";
  items: {
    shows: string;
    fix: string;
  }[];
};

export type ConnectionAttempt = {
  id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  idp: string | null;
  client: string | null;
  ok: boolean;
  outcome: string;
  explanation: string;
};

export type Preview = {
  tenant: {
    slug: string;
    name: string;
    /** preview: the first sync is received and checked but kept from the host until an admin presses Go live. */
    mode: "live" | "preview";
  };
  people: {
    total: number;
    /** false: there are at least `total`; counting stopped there. */
    exact: boolean;
    active: number;
  };
  groups: {
    total: number;
    /** false: there are at least `total`; counting stopped there. */
    exact: boolean;
  };
  requests: {
    total: number;
    /** false: there are at least `total`; counting stopped there. */
    exact: boolean;
    failed: number;
    lastAt: string | null;
  };
  ignored: {
    path: string;
    reason: string;
    /** The attribute probably meant. */
    suggestion: string | null;
    requests: number;
  }[];
  flagged: {
    people: number;
    checked: number;
    complete: boolean;
    byRule: {
      path: string;
      rule: string;
      accepted: string;
      people: number;
      examples: {
        id: string;
        userName: string;
        value: string;
      }[];
    }[];
  };
  incomplete: {
    total: number;
    /** false: there are at least `total`; counting stopped there. */
    exact: boolean;
    examples: {
      id: string;
      userName: string;
      missing: string[];
    }[];
  };
  pending: {
    total: number;
    examples: {
      kind: "manager" | "member";
      subjectId: string;
      reference: string;
      createdAt: string | null;
    }[];
  };
  guard: {
    mode: string;
    percent: number;
    windowMinutes: number;
    minActive: number;
    groupSize: number;
    removedInWindow: number;
    held: number;
  };
  /** Events of the preview in the outbox: deleted when it goes live, never sent one by one. */
  eventsHeldBack: number;
};

/** The host's webhooks get tenant.live (snapshotSeq, snapshot), then events. */
export type WentLive = {
  tenant: {
    slug: string;
    mode: "live";
  };
  snapshotSeq: number;
  snapshot: string;
};

export type DiscardedPreview = {
  tenant: {
    slug: string;
    mode: "preview";
  };
  removed: {
    people: number;
    groups: number;
    folders: number;
    pendingReferences: number;
    heldChanges: number;
    provisioningLogEntries: number;
    events: number;
  };
};

export type HeldChange = {
  id: string;
  kind: "user.deactivate" | "user.delete" | "group.empty";
  resourceId: string;
  reason: string;
  status: "held" | "approved" | "discarded";
  heldAt: string | null;
  decidedAt: string | null;
  /** While held: the person or group approval would change. */
  target?: {
    type: "person" | "group";
    name: string | null;
    exists: boolean;
    members: number | null;
  };
  /** While held: each attribute approval would change, its value now and after (null: absent). */
  changes?: {
    attribute: string;
    before: Json | null;
    after: Json | null;
  }[];
};

export type LogEntryDetail = {
  entry: LogEntry;
  /** The request body, passwords, secrets and tokens redacted, cut at 16 KB. */
  requestBody: string | null;
  /** The answer as sent, cut at 16 KB (a streamed group is not kept). */
  responseBody: string | null;
};

export type AdminListing = {
  id: string;
  email: string;
  role: "operator" | "tenant";
  tenant: string | null;
  disabledAt: string | null;
  createdAt: string;
  lastSignInAt: string | null;
};
