import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { duration, exact, number } from '../format.js';
import type { PageContext } from '../main.js';
import { currentQuery, navigate, tenantPath } from '../router.js';
import type { Pending } from '../types.js';
import { badge, emptyState, pageHeader, pager, section, table } from '../ui.js';

const PAGE = 50;

/** References that wait for their target: a manager not provisioned yet, a group member not yet known. */
export async function renderPending(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const offset = Math.max(0, Number(currentQuery().get('offset') ?? 0) || 0);
  const page = await api.pending(slug, { offset: String(offset), limit: String(PAGE) });
  if (!ctx.current()) return;
  const at = (o: number) => navigate(o > 0 ? `${tenantPath(slug, 'pending')}?offset=${o}` : tenantPath(slug, 'pending'));
  const body =
    page.total === 0
      ? emptyState('Nothing is waiting.', 'Every manager and group member your identity provider named has been provisioned and linked.')
      : h(
          'div',
          null,
          table(
            'Pending references, oldest first',
            [
              {
                header: 'Waiting',
                cell: (p: Pending) =>
                  h(
                    'div',
                    { class: 'cell-main' },
                    h(
                      'a',
                      { href: p.kind === 'manager' ? tenantPath(slug, 'people', p.subjectId) : tenantPath(slug, 'groups', p.subjectId), class: 'strong-link' },
                      p.subjectName ?? p.subjectId,
                    ),
                    h('span', { class: 'muted' }, p.kind === 'manager' ? 'person' : 'group'),
                  ),
              },
              { header: 'For', cell: (p: Pending) => (p.kind === 'manager' ? 'their manager' : 'a member') },
              { header: 'Reference', cell: (p: Pending) => h('code', null, p.reference) },
              {
                header: 'Age',
                cell: (p: Pending) => h('span', { title: exact(p.since) }, badge(duration(p.ageSeconds), p.ageSeconds > 86400 ? 'red' : 'amber')),
                numeric: true,
              },
            ],
            page.pending,
          ),
          pager({
            noun: 'references',
            from: offset + 1,
            count: page.pending.length,
            total: page.total,
            ...(offset > 0 ? { onPrevious: () => at(Math.max(0, offset - PAGE)) } : {}),
            ...(offset + page.pending.length < page.total ? { onNext: () => at(offset + PAGE) } : {}),
          }),
        );
  fill(
    main,
    pageHeader(
      'Pending references',
      'Managers and group members named before they were provisioned. Each is linked the moment that person arrives — no second sync needed.',
    ),
    section(`${number(page.total)} waiting`, body, { id: 'pending' }),
  );
}
