import { api } from '../api.js';
import { fill, h } from '../dom.js';
import type { PageContext } from '../main.js';
import { currentQuery, navigate, tenantPath } from '../router.js';
import type { LogEntry } from '../types.js';
import { emptyState, field, loading, pageHeader, section, select } from '../ui.js';
import { logTable } from './log-table.js';

const PAGE = '50';

/** The event types a request's change is logged under (the server's names). */
const EVENT_TYPES = ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted', 'group.created', 'group.updated', 'group.deleted'];

/** An instant from the address as a datetime-local input's value, in the browser's time zone. */
function localInput(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Every SCIM request, newest first: searchable, filterable, with what changed and what was ignored. */
export async function renderLog(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const query = currentQuery();
  const value = (name: string) => query.get(name) ?? '';
  const params = {
    q: value('q'),
    method: value('method'),
    status: value('status'),
    changed: value('changed'),
    from: value('from'),
    to: value('to'),
    person: value('person'),
    group: value('group'),
    event: value('event'),
  };
  const [first, detail] = await Promise.all([api.log(slug, { ...params, limit: PAGE }), api.tenant(slug)]);
  if (!ctx.current()) return;
  const entries: LogEntry[] = [...first.entries];
  let nextCursor = first.nextCursor;
  let complete = first.complete;
  const filtered = Object.values(params).some((v) => v !== '');

  const search = h('input', { id: 'log-q', type: 'search', value: params.q, placeholder: 'Path, ignored attribute or normaliser', autocomplete: 'off' });
  const from = h('input', { id: 'log-from', type: 'datetime-local', value: localInput(params.from) });
  const to = h('input', { id: 'log-to', type: 'datetime-local', value: localInput(params.to) });
  const person = h('input', { id: 'log-person', type: 'text', value: params.person, placeholder: 'Person id', autocomplete: 'off', spellcheck: 'false' });
  const group = h('input', { id: 'log-group', type: 'text', value: params.group, placeholder: 'Group id', autocomplete: 'off', spellcheck: 'false' });
  const eventType = select('log-event', [['', 'Any change or none'], ...EVENT_TYPES.map((t): [string, string] => [t, t])], params.event);
  const method = select(
    'log-method',
    [
      ['', 'Any method'],
      ['GET', 'GET'],
      ['POST', 'POST'],
      ['PUT', 'PUT'],
      ['PATCH', 'PATCH'],
      ['DELETE', 'DELETE'],
    ],
    params.method,
  );
  const status = select(
    'log-status',
    [
      ['', 'Any result'],
      ['ok', 'Success (< 400)'],
      ['error', 'Errors (≥ 400)'],
    ],
    params.status,
  );
  const changed = h('input', { id: 'log-changed', type: 'checkbox', checked: params.changed === 'true' });
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter the provisioning log',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        if (search.value.trim()) next.set('q', search.value.trim());
        if (method.value) next.set('method', method.value);
        if (status.value) next.set('status', status.value);
        if (changed.checked) next.set('changed', 'true');
        // The inputs show local time; the address (and the API) carry the instant.
        if (from.value) next.set('from', new Date(from.value).toISOString());
        // `to` names a minute: everything within it is included.
        if (to.value) next.set('to', new Date(Date.parse(to.value) + 59_999).toISOString());
        if (person.value.trim()) next.set('person', person.value.trim());
        if (group.value.trim()) next.set('group', group.value.trim());
        if (eventType.value) next.set('event', eventType.value);
        const text = next.toString();
        navigate(`${tenantPath(slug, 'log')}${text ? `?${text}` : ''}`);
      },
    },
    h('div', { class: 'filter-search' }, field('Search', search)),
    field('Method', method),
    field('Result', status),
    field('Change', eventType),
    field('From', from),
    field('To', to),
    field('Person', person),
    field('Group', group),
    h('div', { class: 'field checkbox-field inline' }, changed, h('label', { for: 'log-changed' }, 'Changed data only')),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Apply'),
      filtered ? h('a', { class: 'button button-ghost', href: tenantPath(slug, 'log') }, 'Clear') : null,
    ),
  );

  const results = h('div', { id: 'log-results' });
  const more = h('div', { class: 'pager' });
  const paint = () => {
    fill(results, logTable(slug, 'SCIM requests, newest first', entries));
    fill(
      more,
      h('p', { class: 'muted', 'aria-live': 'polite' }, `${entries.length} request${entries.length === 1 ? '' : 's'} shown`),
      complete
        ? null
        : h('p', { class: 'muted', id: 'log-incomplete' }, 'The search looked at the newest 5,000 requests only: narrow the time range to search older ones.'),
      nextCursor
        ? h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              onclick: async () => {
                fill(more, loading());
                const page = await api.log(slug, { ...params, cursor: nextCursor ?? '', limit: PAGE });
                entries.push(...page.entries);
                nextCursor = page.nextCursor;
                complete = page.complete;
                paint();
              },
            },
            'Load older requests',
          )
        : null,
    );
  };

  let body: HTMLElement | HTMLElement[];
  if (entries.length === 0 && !filtered) {
    body = emptyState(
      "No SCIM request yet — paste this URL and token into Okta's API integration.",
      [
        'SCIM base URL: ',
        h('code', null, detail.endpoints.byCredential),
        '. Generate the token on User provisioning; every request the IdP sends then shows up here, with what it changed.',
      ],
      h('a', { class: 'button button-primary', href: tenantPath(slug, 'provisioning') }, 'Go to User provisioning'),
    );
  } else if (entries.length === 0) {
    body = emptyState(
      'No request matches these filters.',
      complete ? 'Change the search or the filters, or clear them.' : 'The search looked at the newest 5,000 requests only: narrow the time range to search older ones.',
      h('a', { class: 'button button-secondary', href: tenantPath(slug, 'log') }, 'Clear filters'),
    );
  } else {
    paint();
    body = [results, more];
  }
  fill(
    main,
    pageHeader(
      'Provisioning log',
      'Every SCIM request your identity provider sent: what it changed, what Roster ignored and why, which IdP normaliser fired. Credentials are never shown.',
    ),
    section('Requests', [form, body], { id: 'log' }),
  );
}
