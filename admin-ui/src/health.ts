import { h } from './dom.js';
import { exact, number } from './format.js';
import { tenantPath } from './router.js';
import type { Tenant, TenantHealth } from './types.js';
import { badge, when } from './ui.js';

const LABEL: Record<TenantHealth['level'], [string, 'green' | 'blue' | 'amber' | 'red']> = {
  ok: ['Healthy', 'green'],
  note: ['Healthy', 'green'],
  warning: ['Needs a look', 'amber'],
  problem: ['Problem', 'red'],
};

/** The tenant's health in one word, with what was found as its title (the list shows this). */
export function healthBadge(t: Tenant): HTMLElement {
  if (!t.health) return h('span', { class: 'muted' }, '—');
  const [text, tone] = LABEL[t.health.level];
  return badge(text, tone, t.health.findings.map((f) => f.message).join('\n') || undefined);
}

/**
 * What the badge stands for, said in full on the tenant's page: each finding as `roster doctor`
 * words it, the last failed request, the recent error rate, and held changes with where to decide.
 */
export function healthPanel(t: Tenant): HTMLElement | null {
  const health = t.health;
  if (!health) return null;
  const [text, tone] = LABEL[health.level];
  const rate = health.recentRequests === 0 ? 'no requests yet' : `${number(health.failedRecent)} of the last ${number(health.recentRequests)} requests failed`;
  return h(
    'section',
    {
      class: `callout ${health.level === 'problem' ? 'callout-error' : health.level === 'warning' ? 'callout-warning' : 'callout-success'} health`,
      'aria-labelledby': 'health-heading',
      id: 'health',
    },
    h('h2', { id: 'health-heading', class: 'health-heading' }, 'Health: ', badge(text, tone)),
    health.findings.length > 0
      ? h(
          'ul',
          { class: 'health-findings' },
          health.findings.map((f) => h('li', null, f.message)),
        )
      : h('p', null, 'Nothing to act on: requests succeed, the identity provider calls as it usually does, nothing is held.'),
    h(
      'dl',
      { class: 'health-facts' },
      h('div', null, h('dt', null, 'Error rate'), h('dd', null, rate)),
      h(
        'div',
        null,
        h('dt', null, 'Last error'),
        h(
          'dd',
          null,
          health.lastError
            ? [
                when(health.lastError.at),
                ' ',
                h('code', { title: exact(health.lastError.at) }, `${health.lastError.method} ${health.lastError.path} → ${health.lastError.status}`),
                health.lastError.error ? ` ${health.lastError.error}` : null,
              ]
            : 'none lately',
        ),
      ),
      h(
        'div',
        null,
        h('dt', null, 'Held changes'),
        h('dd', null, health.heldChanges === 0 ? 'none' : h('a', { href: tenantPath(t.slug, 'held') }, `${number(health.heldChanges)} waiting for a decision`)),
      ),
    ),
  );
}
