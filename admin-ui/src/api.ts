import type {
  LogEntryDetail,
  AdminListing,
  ConnectionAttempt,
  Credential,
  HeldChange,
  DuplicatesPage,
  Guide,
  Preview,
  WentLive,
  DiscardedPreview,
  SetupLink,
  SetupOverview,
  SetupSession,
  Folder,
  Group,
  IssuedCredential,
  LogEntry,
  PeoplePage,
  Pending,
  PersonDetail,
  Session,
  Settings,
  Tenant,
  TenantDetail,
} from './types.js';
import { BASE } from './router.js';

/** A failed call, with the API's message (safe to show). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => {};

/** Called when any call answers 401: the session ended (expired, or signed out elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

type Query = Record<string, string | undefined>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // The CSRF token proves the request comes from a page of this console (it is never in a cookie).
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } }).error;
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? `request failed (${response.status})`);
  }
  return data as T;
}

const t = (slug: string) => `/tenants/${encodeURIComponent(slug)}`;

export const api = {
  async signIn(email: string, password: string): Promise<Session> {
    const session = await call<Session>('POST', '/session', { email, password });
    csrfToken = session.csrfToken;
    return session;
  },
  async session(): Promise<Session> {
    const session = await call<Session>('GET', '/session');
    csrfToken = session.csrfToken;
    return session;
  },
  async signOut(): Promise<void> {
    await call<void>('DELETE', '/session');
    csrfToken = '';
  },
  resetLinkState: (token: string) => call<{ state: string }>('POST', '/password-reset/status', { token }),
  resetPassword: (token: string, password: string) => call<{ email: string; sessionsEnded: number }>('POST', '/password-reset', { token, password }),
  tenants: () => call<{ tenants: Tenant[] }>('GET', '/tenants'),
  tenant: (slug: string) => call<TenantDetail>('GET', t(slug)),
  createTenant: (slug: string, name: string) => call<{ tenant: Tenant }>('POST', '/tenants', { slug, ...(name ? { name } : {}) }),
  admins: () => call<{ admins: AdminListing[] }>('GET', '/admins'),
  inviteAdmin: (email: string, tenant: string | null) => call<{ admin: AdminListing; link: string; expiresAt: string }>('POST', '/admins', { email, tenant }),
  resetAdmin: (id: string) => call<{ link: string; expiresAt: string }>('POST', `/admins/${encodeURIComponent(id)}/password-reset`, {}),
  removeAdmin: (id: string) => call<void>('DELETE', `/admins/${encodeURIComponent(id)}`),
  updateSettings: (slug: string, change: Partial<Settings>) => call<{ settings: Settings }>('PATCH', `${t(slug)}/settings`, change),
  credentials: (slug: string) => call<{ credentials: Credential[] }>('GET', `${t(slug)}/credentials`),
  createCredential: (slug: string, kind: 'bearer' | 'basic', label: string) => call<IssuedCredential>('POST', `${t(slug)}/credentials`, { kind, label }),
  revokeCredential: (slug: string, id: string) => call<void>('DELETE', `${t(slug)}/credentials/${encodeURIComponent(id)}`),
  people: (slug: string, query: Query) => call<PeoplePage>('GET', withQuery(`${t(slug)}/people`, query)),
  person: (slug: string, id: string) => call<PersonDetail>('GET', `${t(slug)}/people/${encodeURIComponent(id)}`),
  groups: (slug: string, query: Query) => call<{ groups: Group[]; total: number; nextCursor: string | null }>('GET', withQuery(`${t(slug)}/groups`, query)),
  group: (slug: string, id: string, query: Query) => call<{ group: Group; members: PeoplePage }>('GET', withQuery(`${t(slug)}/groups/${encodeURIComponent(id)}`, query)),
  folders: (slug: string) => call<{ folders: Folder[] }>('GET', `${t(slug)}/folders`),
  folder: (slug: string, id: string, query: Query) =>
    call<{ folder: Folder; members: PeoplePage }>('GET', withQuery(`${t(slug)}/folders/${encodeURIComponent(id)}`, query)),
  pending: (slug: string, query: Query) => call<{ pending: Pending[]; total: number }>('GET', withQuery(`${t(slug)}/pending`, query)),
  duplicates: (slug: string, query: Query) => call<DuplicatesPage>('GET', withQuery(`${t(slug)}/duplicates`, query)),
  dismissDuplicates: (slug: string, userIds: readonly string[]) => call<{ pairs: number; added: number }>('POST', `${t(slug)}/duplicates/dismissals`, { userIds }),
  undoDismissal: (slug: string, userIds: readonly string[]) => call<{ removed: number }>('DELETE', `${t(slug)}/duplicates/dismissals`, { userIds }),
  async setupSession(): Promise<SetupSession> {
    const session = await call<SetupSession>('GET', '/setup/session');
    csrfToken = session.csrfToken;
    return session;
  },
  endSetup: () => call<void>('DELETE', '/setup/session'),
  guide: (idp: string) => call<Guide>('GET', `/setup/guides/${encodeURIComponent(idp)}`),
  setupOverview: (slug: string) => call<SetupOverview>('GET', `${t(slug)}/setup`),
  setupToken: (slug: string, idp: string) => call<IssuedCredential>('POST', `${t(slug)}/setup/token`, { idp }),
  connection: (slug: string, query: Query) => call<{ attempts: ConnectionAttempt[]; cursor: string }>('GET', withQuery(`${t(slug)}/setup/connection`, query)),
  setupLinks: (slug: string) => call<{ links: SetupLink[] }>('GET', `${t(slug)}/setup-links`),
  createSetupLink: (slug: string, body: Record<string, string | boolean>) => call<{ link: SetupLink; url: string }>('POST', `${t(slug)}/setup-links`, body),
  revokeSetupLink: (slug: string, id: string) => call<void>('DELETE', `${t(slug)}/setup-links/${encodeURIComponent(id)}`),
  preview: (slug: string) => call<Preview>('GET', `${t(slug)}/preview`),
  goLive: (slug: string) => call<WentLive>('POST', `${t(slug)}/go-live`, {}),
  discardPreview: (slug: string) => call<DiscardedPreview>('POST', `${t(slug)}/preview/discard`, {}),
  heldChanges: (slug: string) => call<{ heldChanges: HeldChange[] }>('GET', `${t(slug)}/held-changes`),
  decideHeldChange: (slug: string, id: string, decision: 'approve' | 'discard') =>
    call<{ heldChange: HeldChange }>('POST', `${t(slug)}/held-changes/${encodeURIComponent(id)}/${decision}`),
  log: (slug: string, query: Query) => call<{ entries: LogEntry[]; nextCursor: string | null; complete: boolean }>('GET', withQuery(`${t(slug)}/log`, query)),
  logEntry: (slug: string, id: string) => call<LogEntryDetail>('GET', `${t(slug)}/log/${encodeURIComponent(id)}`),
};
