import { api } from '../api.js';
import { fill, h, type Child } from '../dom.js';
import { duration, FOLDER_KINDS, missingLabel, SOURCE_LABELS } from '../format.js';
import type { PageContext } from '../main.js';
import { tenantPath } from '../router.js';
import type { Json } from '../types.js';
import { badge, emptyState, pageHeader, section, table, when } from '../ui.js';
import { logTable } from './log-table.js';
import { profileBadge, statusBadge } from './people-table.js';

type Row = readonly [string, string];

/** A document flattened to SCIM paths, as an IdP's attribute mapping names them. */
function flatten(prefix: string, value: Json, out: Row[]): void {
  if (value === null) return;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      out.push([prefix, value.map(String).join(', ')]);
      return;
    }
    value.forEach((element, index) => {
      const type = typeof element === 'object' && element !== null && !Array.isArray(element) && typeof element['type'] === 'string' ? element['type'] : null;
      flatten(type ? `${prefix}[type eq "${type}"]` : `${prefix}[${index}]`, element, out);
    });
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, child, out);
    return;
  }
  out.push([prefix, String(value)]);
}

/** Every attribute, grouped by namespace: core first, then each extension under its URN. */
function attributeTables(attributes: { [key: string]: Json }): HTMLElement[] {
  const core: Row[] = [];
  const extensions: [string, Row[]][] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'schemas' || key === 'meta' || key === 'id') continue;
    if (key.startsWith('urn:')) {
      const rows: Row[] = [];
      flatten('', value, rows);
      if (rows.length > 0) extensions.push([key, rows]);
    } else flatten(key, value, core);
  }
  const rowsTable = (caption: string, rows: Row[]) =>
    table(
      caption,
      [
        { header: 'Attribute', cell: (r: Row) => h('code', null, r[0]), className: 'attr-name' },
        { header: 'Value', cell: (r: Row) => r[1] },
      ],
      rows,
    );
  return [
    h('h3', { class: 'subheading' }, 'Core User ', h('code', { class: 'urn' }, 'urn:ietf:params:scim:schemas:core:2.0:User')),
    rowsTable('Core attributes', core),
    ...extensions.flatMap(([urn, rows]) => [
      h('h3', { class: 'subheading' }, urn.includes(':enterprise:') ? 'Enterprise extension ' : 'Extension ', h('code', { class: 'urn' }, urn)),
      rowsTable(`Attributes of ${urn}`, rows),
    ]),
  ];
}

function linkList(items: Child[], empty: string): HTMLElement {
  return items.length === 0
    ? h('p', { class: 'muted' }, empty)
    : h(
        'ul',
        { class: 'link-list' },
        items.map((i) => h('li', null, i)),
      );
}

/** A person: every attribute, groups and folders, manager and reports, pending references, SCIM history. */
export async function renderPerson(main: HTMLElement, ctx: PageContext, id: string): Promise<void> {
  const slug = ctx.tenant.slug;
  const detail = await api.person(slug, id);
  if (!ctx.current()) return;
  const { person } = detail;
  const title = person.name ?? person.userName;
  const personLink = (p: { id: string; name: string | null; userName: string }) => h('a', { href: tenantPath(slug, 'people', p.id) }, p.name ?? p.userName);

  const facts: [string, Child][] = [
    ['userName', h('code', null, person.userName)],
    ['Email', person.email ?? '—'],
    ['Title', person.title ?? '—'],
    ['External ID', person.externalId ?? '—'],
    ['Employee number', person.employeeNumber ?? '—'],
    ['Source', SOURCE_LABELS[person.source] ?? person.source],
    ['Created', when(person.createdAt)],
    ['Last change', when(person.modifiedAt)],
  ];

  fill(
    main,
    pageHeader(title, h('span', { class: 'header-badges' }, statusBadge(person), profileBadge(person)), undefined, [
      h('a', { href: tenantPath(slug, 'people') }, 'People overview'),
      h('span', { 'aria-hidden': 'true' }, ' / '),
      h('span', { 'aria-current': 'page' }, title),
    ]),
    person.missing.length > 0
      ? h(
          'div',
          { class: 'callout callout-warning' },
          h('strong', null, 'Incomplete profile. '),
          `Missing ${person.missing.map(missingLabel).join(', ')}. Roster stored the person anyway; map these attributes in your identity provider to complete the profile.`,
        )
      : null,
    person.valueFlags.length > 0
      ? h(
          'div',
          { class: 'callout callout-warning', id: 'values-to-check' },
          h('strong', null, 'Values to check. '),
          'Roster kept these values exactly as the identity provider sent them, but they do not have the accepted form. Correct them at the source.',
          h(
            'ul',
            { class: 'flag-list' },
            person.valueFlags.map((f) => h('li', null, h('code', null, f.path), ' ', h('code', null, JSON.stringify(f.value)), ` — expected ${f.accepted}.`)),
          ),
        )
      : null,
    h(
      'dl',
      { class: 'facts card' },
      facts.map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))),
    ),
    h(
      'div',
      { class: 'two-columns' },
      section('Attributes', attributeTables(person.attributes), {
        id: 'attributes',
        description: 'Everything Roster stored for this person, by SCIM path and namespace.',
      }),
      h(
        'div',
        { class: 'stack' },
        section(
          'Groups and folders',
          [
            h('h3', { class: 'subheading' }, 'Pushed groups'),
            linkList(
              detail.groups.map((g) => h('a', { href: tenantPath(slug, 'groups', g.id) }, g.displayName)),
              'Not in any pushed group.',
            ),
            h('h3', { class: 'subheading' }, 'Attribute folders'),
            linkList(
              detail.folders.map((f) =>
                h('a', { href: tenantPath(slug, 'folders', f.id) }, h('span', { class: 'muted' }, `${FOLDER_KINDS[f.kind] ?? f.kind}: `), f.value),
              ),
              'In no folder: no department, division or organization.',
            ),
          ],
          { id: 'memberships' },
        ),
        section(
          'Manager and reports',
          [
            h('h3', { class: 'subheading' }, 'Manager'),
            detail.manager
              ? linkList([personLink(detail.manager)], '')
              : h('p', { class: 'muted' }, detail.pending.some((p) => p.kind === 'manager') ? 'Not linked yet — see the pending reference below.' : 'No manager.'),
            h('h3', { class: 'subheading' }, `Direct reports (${detail.reports.length})`),
            linkList(detail.reports.map(personLink), 'No direct reports.'),
          ],
          { id: 'manager' },
        ),
        section(
          'Pending references',
          detail.pending.length === 0
            ? h('p', { class: 'muted' }, 'Nothing waiting: every reference this person makes is resolved.')
            : h(
                'ul',
                { class: 'link-list' },
                detail.pending.map((p) =>
                  h(
                    'li',
                    null,
                    'Manager ',
                    h('code', null, p.reference),
                    ' has not arrived yet ',
                    badge(`waiting ${duration(p.ageSeconds)}`, 'amber'),
                    h('p', { class: 'hint' }, 'Linked automatically the moment that person is provisioned.'),
                  ),
                ),
              ),
          { id: 'pending' },
        ),
      ),
    ),
    section(
      'SCIM history',
      detail.history.length === 0
        ? emptyState('No SCIM request about this person is in the log.', 'Requests appear here once the identity provider creates or updates this person.')
        : logTable(slug, 'SCIM requests about this person, newest first', detail.history, { withClient: true }),
      { id: 'history', description: 'Every SCIM request about this person, newest first.' },
    ),
  );
}
