import { api, ApiError } from '../api.js';
import { announce, fill, h, type Child } from '../dom.js';
import { exact } from '../format.js';
import type { Preview } from '../types.js';
import { badge, errorBox, table } from '../ui.js';

export interface PreviewOptions {
  readonly slug: string;
  /** Who hears of the directory once it is live: the host product's name, or "the host product". */
  readonly productName: string | null;
  /** True while this page is still on screen (stops the polling when it is not). */
  readonly current: () => boolean;
  /** Render nothing for a tenant that is live (the setup page shows the preview only when there is one). */
  readonly hideWhenLive?: boolean;
}

/** How often the page asks for the preview while a sync lands: often enough to watch it grow. */
const POLL_MS = 1500;

const count = (n: number, exactCount = true) => `${exactCount ? '' : 'at least '}${n.toLocaleString('en')}`;
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const REASONS: Record<string, string> = {
  unknownAttribute: 'not an attribute Roster knows',
  notCoreAttribute: 'not a core attribute',
  readOnly: 'read-only',
  unknownSchema: 'unknown schema',
  nullValue: 'sent as null',
};

function stats(p: Preview): HTMLElement {
  const stat = (label: string, value: Child, id: string) =>
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value', id }, value));
  return h(
    'div',
    { class: 'card preview-stats' },
    h(
      'div',
      { class: 'stats preview-stat-grid' },
      stat('People', [count(p.people.total, p.people.exact), ' ', h('span', { class: 'muted' }, `(${count(p.people.active)} active)`)], 'preview-people'),
      stat('Groups', count(p.groups.total, p.groups.exact), 'preview-groups'),
      stat(
        'Requests',
        [count(p.requests.total, p.requests.exact), p.requests.failed > 0 ? h('span', { class: 'muted' }, ` (${p.requests.failed} refused)`) : null],
        'preview-requests',
      ),
      stat('Events held back', count(p.eventsHeldBack), 'preview-events'),
    ),
  );
}

function findings(p: Preview): HTMLElement {
  const parts: HTMLElement[] = [];
  parts.push(
    h('h3', { class: 'subheading' }, 'Attributes ignored ', badge(String(p.ignored.length), p.ignored.length ? 'amber' : 'green')),
    p.ignored.length === 0
      ? h('p', { class: 'muted' }, 'Nothing the identity provider sent was left out.')
      : table(
          'Attributes the identity provider sent that were not stored',
          [
            { header: 'Attribute', cell: (i) => h('code', null, i.path) },
            { header: 'Why', cell: (i) => REASONS[i.reason] ?? i.reason },
            { header: 'Probably meant', cell: (i) => (i.suggestion ? h('code', { class: 'suggestion' }, i.suggestion) : h('span', { class: 'muted' }, '—')) },
            { header: 'Requests', cell: (i) => i.requests.toLocaleString('en') },
          ],
          p.ignored.slice(0, 10),
        ),
  );
  parts.push(
    h('h3', { class: 'subheading' }, 'Values flagged ', badge(String(p.flagged.people), p.flagged.people ? 'amber' : 'green')),
    p.flagged.byRule.length === 0
      ? h('p', { class: 'muted' }, `No value breaks a rule${p.flagged.complete ? '' : ` among the first ${p.flagged.checked.toLocaleString('en')} people`}.`)
      : table(
          'Values kept as sent but breaking a rule',
          [
            { header: 'Attribute', cell: (f) => h('code', null, f.path) },
            { header: 'Expected', cell: (f) => f.accepted },
            { header: 'People', cell: (f) => f.people.toLocaleString('en') },
            { header: 'For example', cell: (f) => f.examples.slice(0, 2).map((e) => h('div', null, `${e.userName}: `, h('code', null, e.value))) },
          ],
          p.flagged.byRule,
        ),
  );
  parts.push(
    h('h3', { class: 'subheading' }, 'Incomplete profiles ', badge(count(p.incomplete.total, p.incomplete.exact), p.incomplete.total ? 'amber' : 'green')),
    p.incomplete.total === 0
      ? h('p', { class: 'muted' }, 'Every profile has the recommended attributes.')
      : h(
          'ul',
          { class: 'link-list' },
          p.incomplete.examples.map((e) => h('li', null, `${e.userName} — lacks `, e.missing.join(', '))),
        ),
  );
  parts.push(
    h('h3', { class: 'subheading' }, 'Pending references ', badge(String(p.pending.total), p.pending.total ? 'blue' : 'green')),
    p.pending.total === 0
      ? h('p', { class: 'muted' }, 'Every manager and member named so far has arrived.')
      : h(
          'p',
          null,
          `${plural(p.pending.total, 'reference names', 'references name')} someone not received yet (each is resolved the moment they arrive): `,
          // Several people may wait for the same manager: each reference once.
          [...new Map(p.pending.examples.map((r) => [`${r.kind} ${r.reference}`, r])).values()]
            .slice(0, 3)
            .map((r, i) => [i ? ', ' : '', h('code', null, r.reference), ` (${r.kind})`]),
          '.',
        ),
  );
  const g = p.guard;
  parts.push(
    h('h3', { class: 'subheading' }, 'Mass-change guard ', badge(g.mode === 'off' ? 'off' : 'on', g.mode === 'off' ? 'grey' : 'green')),
    h(
      'p',
      null,
      g.mode === 'off'
        ? 'Off: large removals are applied as they come.'
        : `Holds removals past ${g.percent}% of active people within ${g.windowMinutes} minutes (tenants of ${g.minActive}+), and emptying a group of more than ${g.groupSize}. `,
      `${plural(g.removedInWindow, 'person', 'people')} removed in the current window; ${plural(g.held, 'change', 'changes')} held for a decision.`,
    ),
  );
  return h('div', { class: 'card-body preview-findings' }, parts);
}

/**
 * The preview of a tenant's first sync, updated while it lands (polling, like the connection
 * check), with Go live and Discard. Used on the setup-link page and on the console's Preview page.
 */
export async function renderPreview(holder: HTMLElement, options: PreviewOptions): Promise<void> {
  const product = options.productName ?? 'the host product';
  const status = h('div', { class: 'preview-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'preview-body' });
  const actions = h('div', { class: 'form-actions preview-actions' });
  const card = h(
    'section',
    { class: 'card preview', id: 'preview', 'aria-labelledby': 'preview-title' },
    h('div', { class: 'card-header' }, h('h2', { id: 'preview-title' }, 'Your first sync, in preview ', badge('Preview', 'indigo'))),
    h(
      'div',
      { class: 'card-body' },
      h(
        'p',
        { class: 'callout callout-info' },
        `People and groups your identity provider sends are received, checked and stored here, and it gets ordinary answers. ${product} hears nothing of them until you press Go live; then it gets the whole directory at once, and every change after.`,
      ),
      status,
    ),
    body,
    h('div', { class: 'card-body' }, actions),
  );
  let stopped = false;
  let last: Preview | undefined;

  const done = (message: Child, tone: 'success' | 'info') => {
    stopped = true;
    fill(actions);
    fill(status, h('p', { class: `callout callout-${tone}`, id: 'preview-outcome' }, message));
  };

  const confirm = (question: Child, label: string, danger: boolean, run: () => Promise<void>) => {
    const yes = h(
      'button',
      { type: 'button', class: `button ${danger ? 'button-danger' : 'button-primary'}`, id: danger ? 'preview-discard-confirm' : 'preview-go-live-confirm' },
      label,
    );
    const no = h('button', { type: 'button', class: 'button button-secondary', onclick: () => showButtons() }, 'Cancel');
    yes.addEventListener('click', async () => {
      yes.setAttribute('disabled', '');
      try {
        await run();
      } catch (error) {
        yes.removeAttribute('disabled');
        fill(actions, errorBox(error), h('div', { class: 'form-actions' }, no));
      }
    });
    fill(
      actions,
      h('div', { class: `callout ${danger ? 'callout-warning' : 'callout-info'} preview-confirm` }, h('p', null, question), h('div', { class: 'form-actions' }, yes, no)),
    );
    yes.focus();
  };

  const goLive = () =>
    confirm(
      last
        ? `Go live now? ${product} receives the whole directory as it is here — ${plural(last.people.total, 'person', 'people')} and ${plural(last.groups.total, 'group', 'groups')} — and from then on every change.`
        : `Go live now?`,
      'Yes, go live',
      false,
      async () => {
        const live = await api.goLive(options.slug);
        announce('The tenant is live');
        done(
          [
            h('strong', null, 'Live. '),
            `${product} was told (event ${live.snapshotSeq}) and reads the whole directory from its snapshot; every change from now on reaches it as it happens.`,
          ],
          'success',
        );
      },
    );

  const discard = () =>
    confirm(
      'Discard this preview? Everything it stored — people, groups, pending references, the provisioning log — is deleted. The SCIM token and the connection stay, so your identity provider can push again.',
      'Yes, discard everything',
      true,
      async () => {
        const result = await api.discardPreview(options.slug);
        announce('The preview was discarded');
        fill(
          status,
          h(
            'p',
            { class: 'callout callout-info', id: 'preview-outcome' },
            `Discarded: ${plural(result.removed.people, 'person', 'people')} and ${plural(result.removed.groups, 'group', 'groups')} removed. Push again from your identity provider when ready.`,
          ),
        );
        showButtons();
        void refresh();
      },
    );

  const showButtons = () => {
    if (stopped) return;
    fill(
      actions,
      h('button', { type: 'button', class: 'button button-primary', id: 'preview-go-live', onclick: goLive }, 'Go live'),
      h('button', { type: 'button', class: 'button button-secondary button-danger', id: 'preview-discard', onclick: discard }, 'Discard preview'),
    );
  };

  const paint = (p: Preview) => {
    last = p;
    fill(body, stats(p), findings(p));
    if (!status.querySelector('#preview-outcome')) {
      fill(
        status,
        h(
          'p',
          { class: 'live-status' },
          h('span', { class: 'pulse', 'aria-hidden': 'true' }),
          p.requests.lastAt
            ? ['Updated as requests arrive; the last one came ', h('time', { datetime: p.requests.lastAt }, exact(p.requests.lastAt)), '.']
            : 'Waiting for the first sync: start provisioning in your identity provider.',
        ),
      );
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      const p = await api.preview(options.slug);
      if (!options.current()) return;
      if (p.tenant.mode === 'live' && !stopped) {
        if (options.hideWhenLive && !last) {
          holder.replaceChildren();
          stopped = true;
          return;
        }
        paint(p);
        done(`This tenant is live: ${product} hears of every change.`, 'info');
        return;
      }
      paint(p);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      // A missed poll is retried on the next tick.
    }
  };

  const poll = async (): Promise<void> => {
    if (stopped || !options.current() || (!holder.isConnected && last)) return;
    await refresh();
    if (!stopped && options.current()) window.setTimeout(() => void poll(), POLL_MS);
  };

  fill(holder, card);
  await refresh();
  if (!stopped) {
    showButtons();
    window.setTimeout(() => void poll(), POLL_MS);
  }
}
