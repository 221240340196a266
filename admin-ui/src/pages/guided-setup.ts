import { api } from '../api.js';
import { announce, fill, h, tableWrap, type Child } from '../dom.js';
import { exact } from '../format.js';
import { inline, renderBlocks } from '../markdown.js';
import type { ConnectionAttempt, Guide, GuideBlock, SetupOverview } from '../types.js';
import { badge, copyField, errorBox, loading } from '../ui.js';

/** The IdPs with a guided setup, in the order the picker shows them (ids as in src/provisioning/setup/setup-idps.ts). */
export const SETUP_IDPS: readonly (readonly [string, string])[] = [
  ['okta', 'Okta'],
  ['entra-id', 'Microsoft Entra ID'],
  ['onelogin', 'OneLogin'],
  ['jumpcloud', 'JumpCloud'],
  ['google-workspace', 'Google Workspace'],
  ['pingone', 'PingOne'],
  ['generic-scim', 'Another SCIM client'],
];
const idpName = (id: string | null) => SETUP_IDPS.find(([k]) => k === id)?.[1] ?? null;

export interface GuidedSetupOptions {
  readonly slug: string;
  readonly idp: string | null;
  readonly productName: string | null;
  /** True while this page is still on screen (stops the live check when it is not). */
  readonly current: () => boolean;
  /** The URL of this page for another IdP. */
  readonly hrefFor: (idp: string) => string;
}

function idpPicker(options: GuidedSetupOptions): HTMLElement {
  return h(
    'nav',
    { class: 'idp-picker', 'aria-label': 'Identity provider' },
    h('h2', { class: 'picker-title' }, 'Which identity provider do you use?'),
    h(
      'ul',
      { class: 'idp-list' },
      SETUP_IDPS.map(([id, name]) =>
        h(
          'li',
          null,
          h('a', { href: options.hrefFor(id), class: `idp-choice${options.idp === id ? ' selected' : ''}`, 'aria-current': options.idp === id ? 'step' : null }, name),
        ),
      ),
    ),
  );
}

/** The token made in place: shown once, then only a note that it exists. */
function tokenBlock(options: GuidedSetupOptions, guide: Guide): HTMLElement {
  const area = h('div', { class: 'token-area', id: 'setup-token', tabindex: '-1' });
  const generate = h(
    'button',
    {
      type: 'button',
      class: 'button button-primary',
      onclick: async () => {
        generate.setAttribute('disabled', '');
        try {
          const issued = await api.setupToken(options.slug, guide.idp);
          const done = h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              onclick: () =>
                fill(area, h('p', { class: 'callout callout-success' }, `Token ${issued.credential.label} made. If you lost it, generate another one.`), generate),
            },
            'I have copied it',
          );
          generate.removeAttribute('disabled');
          fill(
            area,
            h(
              'div',
              { class: 'callout callout-warning', role: 'status' },
              h('strong', null, 'Copy the token now. '),
              `Roster shows it only this once. Paste it into ${guide.terms.token}.`,
            ),
            copyField('Token', issued.secret, { id: 'setup-token-value', secret: true }),
            h('div', { class: 'token-actions' }, done),
          );
          announce('Token generated: copy it now, it is shown only once');
          area.focus();
        } catch (error) {
          generate.removeAttribute('disabled');
          fill(area, errorBox(error), generate);
        }
      },
    },
    'Generate token',
  );
  fill(area, generate);
  return area;
}

/** The path as the IdP meant it (`filter=userName eq "…"`), not percent-encoded. */
function readablePath(path: string): string {
  try {
    return decodeURIComponent(path.replace(/\+/g, ' '));
  } catch {
    return path;
  }
}

function attemptItem(attempt: ConnectionAttempt): HTMLElement {
  const from = idpName(attempt.idp) ?? (attempt.client ? `a client calling itself "${attempt.client}"` : 'a client that did not name itself');
  return h(
    'li',
    { class: `attempt ${attempt.ok ? 'attempt-ok' : 'attempt-failed'}` },
    h(
      'div',
      { class: 'attempt-head' },
      badge(attempt.ok ? `${attempt.status} OK` : `${attempt.status} refused`, attempt.ok ? 'green' : 'red'),
      h('code', { class: 'attempt-path' }, `${attempt.method} ${readablePath(attempt.path)}`),
    ),
    h('p', { class: 'attempt-meta' }, `From ${from}, `, h('time', { datetime: attempt.at }, exact(attempt.at)), '.'),
    h('p', { class: 'attempt-explanation' }, attempt.explanation),
  );
}

/**
 * The live connection check: asks the admin API every second for requests after its cursor (the
 * provisioning log, including refused ones) and shows each as it arrives, without reloading.
 */
function liveCheck(options: GuidedSetupOptions, guide: Guide): HTMLElement {
  const list = h('ol', { class: 'attempts', 'aria-live': 'polite', 'aria-label': `Requests from ${guide.name}` });
  const status = h(
    'p',
    { class: 'live-status' },
    h('span', { class: 'pulse', 'aria-hidden': 'true' }),
    `Waiting for a request from ${guide.name}: run ${guide.terms.test} there now.`,
  );
  const box = h('section', { class: 'live-check', 'aria-label': 'Connection check' }, h('h3', null, 'Connection check'), status, list);
  const seen = new Set<string>();
  let cursor: string | undefined;
  const poll = async (): Promise<void> => {
    if (!options.current() || (!box.isConnected && cursor !== undefined)) return;
    try {
      const answer = await api.connection(options.slug, { idp: guide.idp, ...(cursor ? { after: cursor } : {}) });
      cursor = answer.cursor;
      const fresh = answer.attempts.filter((a) => !seen.has(a.id));
      for (const a of fresh) {
        seen.add(a.id);
        list.prepend(attemptItem(a));
      }
      const latest = fresh[fresh.length - 1];
      if (latest) {
        fill(
          status,
          latest.ok
            ? `Connected: ${idpName(latest.idp) ?? 'your IdP'} reached Roster and was answered ${latest.status}.`
            : 'The last request was refused: see why below.',
        );
        status.className = `live-status ${latest.ok ? 'live-ok' : 'live-failed'}`;
      }
    } catch {
      // A missed poll is retried on the next tick; the session may also have ended (api handles 401).
    }
    if (options.current()) window.setTimeout(() => void poll(), 1000);
  };
  void poll();
  return box;
}

function ifItFails(items: { shows: string; fix: string }[]): HTMLElement {
  return h(
    'details',
    { class: 'if-it-fails' },
    h('summary', null, 'If this step fails'),
    h(
      'ul',
      null,
      items.map((i) => h('li', null, h('strong', null, `${i.shows}. `), i.fix)),
    ),
  );
}

function block(options: GuidedSetupOptions, guide: Guide, overview: SetupOverview, b: GuideBlock): Child {
  switch (b.type) {
    case 'md':
      return renderBlocks(b.text);
    case 'table':
      return tableWrap(
        'Attribute mapping',
        h(
          'table',
          { class: 'data mapping' },
          h('caption', { class: 'visually-hidden' }, 'Attribute mapping'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              b.header.map((c) => h('th', { scope: 'col' }, c || h('span', { class: 'visually-hidden' }, 'M/R/O'))),
            ),
          ),
          h(
            'tbody',
            null,
            b.rows.map((r) =>
              h(
                'tr',
                null,
                r.map((c) => h('td', null, inline(c))),
              ),
            ),
          ),
        ),
      );
    case 'scim-url':
      return h(
        'div',
        { class: 'tenant-values' },
        copyField('SCIM base URL', overview.endpoints.byCredential, { id: 'setup-scim-url', hint: `Paste into ${guide.terms.url}. Keep the trailing slash.` }),
        copyField('Tenant-specific SCIM URL', overview.endpoints.byTenantPath, {
          id: 'setup-tenant-url',
          hint: 'The same endpoint with this tenant named in it; a token of another tenant is refused there.',
        }),
      );
    case 'token':
      return tokenBlock(options, guide);
    case 'live-check':
      return liveCheck(options, guide);
    case 'if-it-fails':
      return ifItFails(b.items);
  }
}

const FOLDED = new Set(['before', 'concepts', 'reference', 'recommendations', 'faq']);

/** The guided setup of one IdP for one tenant: numbered steps with the tenant's real values. */
export async function renderGuidedSetup(main: HTMLElement, options: GuidedSetupOptions): Promise<void> {
  const picker = idpPicker(options);
  if (!options.idp) {
    fill(main, picker);
    return;
  }
  const body = h('div', { class: 'guide' }, loading());
  fill(main, picker, body);
  const [guide, overview] = await Promise.all([api.guide(options.idp), api.setupOverview(options.slug)]);
  if (!options.current()) return;
  const off = overview.tenant.provisioningEnabled
    ? null
    : h(
        'div',
        { class: 'callout callout-warning', role: 'status' },
        h('strong', null, 'Provisioning is switched off for this tenant. '),
        'Requests will be refused with 403 until it is switched on again.',
      );
  fill(
    body,
    h('h2', { class: 'guide-title' }, guide.title),
    renderBlocks(guide.intro),
    off,
    guide.sections.map((s) => {
      // The written guide's first step tells how to find these values in the console; here they are on screen.
      const blocks = s.kind === 'credentials' ? s.blocks.filter((b) => b.type !== 'md') : s.blocks;
      const content: Child[] = blocks.map((b) => block(options, guide, overview, b));
      if (s.kind === 'credentials') {
        content.unshift(
          h(
            'ol',
            { class: 'here-steps' },
            h('li', null, `Copy the SCIM base URL into ${guide.terms.url}.`),
            h('li', null, `Generate a token and paste it into ${guide.terms.token}. Roster shows it only once and keeps only a hash of it.`),
          ),
        );
      }
      if (FOLDED.has(s.kind))
        return h('details', { class: 'card guide-folded', id: `guide-${s.id}` }, h('summary', null, s.title), h('div', { class: 'card-body' }, content));
      return h(
        'section',
        { class: 'card guide-step', id: `guide-${s.id}`, 'aria-labelledby': `guide-${s.id}-title` },
        h('div', { class: 'card-header' }, h('h2', { id: `guide-${s.id}-title` }, s.title)),
        h('div', { class: 'card-body' }, content),
      );
    }),
  );
}
