import { api, ApiError } from '../api.js';
import { announce, fill, h } from '../dom.js';
import { number } from '../format.js';
import type { PageContext } from '../main.js';
import { currentQuery, navigate, tenantPath } from '../router.js';
import type { Duplicate, DuplicatesPage } from '../types.js';
import { emptyState, pageHeader, section } from '../ui.js';
import { cursorPager, peopleTable } from './people-table.js';

const PAGE = 25;
/** The most people one "Not a duplicate" decision may name (the API's maxItems for userIds). */
const MAX_PEOPLE_PER_DECISION = 50;

/** The number of sets as the API knows it: exact, or "at least" where it stopped counting. */
function setCount(page: DuplicatesPage): string {
  return page.totalExact ? number(page.total) : `at least ${number(page.total)}`;
}

/**
 * Possible duplicates: people sharing an email, or the same given and family name under different
 * userNames, a page of sets at a time. "Not a duplicate" is remembered for every pair in the set.
 */
export async function renderDuplicates(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const cursor = currentQuery().get('cursor') ?? '';
  const page = await api.duplicates(slug, { cursor, limit: String(PAGE) });
  if (!ctx.current()) return;
  const base = tenantPath(slug, 'duplicates');
  const go = (c: string) => navigate(c ? `${base}?cursor=${encodeURIComponent(c)}` : base);

  const setSection = (d: Duplicate): HTMLElement => {
    const status = h('p', { class: 'muted', 'aria-live': 'polite' });
    const dismiss = h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary button-small',
        'aria-label': `Not a duplicate: ${d.people.map((p) => p.name ?? p.userName).join(', ')}`,
        onclick: async () => {
          dismiss.disabled = true;
          try {
            await api.dismissDuplicates(
              slug,
              d.people.map((p) => p.id),
            );
            announce(`Marked as not duplicates: ${d.key}. The decision is kept and recorded in the audit log.`);
            navigate(`${location.pathname}${location.search}`, { replace: true });
          } catch (error) {
            dismiss.disabled = false;
            fill(status, error instanceof ApiError ? error.message : 'Could not save the decision');
          }
        },
      },
      'Not a duplicate',
    );
    return section(
      d.reason === 'email' ? `Same email: ${d.key}` : `Same name: ${d.key}`,
      [
        peopleTable(slug, d.reason === 'email' ? `People sharing the email ${d.key}` : `People named ${d.key}`, d.people),
        d.more
          ? h(
              'p',
              { class: 'muted' },
              `The first ${d.people.length} are listed; more people share this ${d.reason}. `,
              h('a', { href: `${tenantPath(slug, 'people')}?q=${encodeURIComponent(d.key)}` }, 'See them all in People'),
            )
          : null,
        status,
      ],
      {
        description: d.reason === 'email' ? 'Different people, one email address.' : 'Same given and family name, different userNames.',
        actions: !d.more && d.people.length <= MAX_PEOPLE_PER_DECISION ? dismiss : h('span', { class: 'muted' }, 'Too many people to decide at once'),
      },
    );
  };

  const empty = page.total === 0 && page.duplicates.length === 0;
  fill(
    main,
    pageHeader(
      'Possible duplicates',
      'People who may be the same person twice. Fix them in the identity provider (or choose the matching field on User provisioning) — Roster never merges people by itself. "Not a duplicate" hides a set for good; a new person joining it brings it back.',
    ),
    empty
      ? section('No possible duplicates', emptyState('No two people share an email or a name.', 'Nothing to do. Roster checks again whenever you open this page.'))
      : [
          h('p', { class: 'muted', id: 'duplicate-count' }, `${setCount(page)} ${page.total === 1 && page.totalExact ? 'set' : 'sets'} of possible duplicates`),
          ...page.duplicates.map(setSection),
          // Each page reads a bounded part of a large tenant's index; this part held no set.
          page.duplicates.length === 0 && page.nextCursor
            ? h('p', { class: 'muted' }, 'No possible duplicates in this part of the directory. Next reads further.')
            : null,
          cursorPager(
            `duplicates:${slug}`,
            { count: page.duplicates.length, total: page.total, totalExact: page.totalExact, nextCursor: page.nextCursor },
            PAGE,
            cursor,
            go,
            'sets',
          ),
        ],
  );
}
