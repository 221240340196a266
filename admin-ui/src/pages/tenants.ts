import { api } from '../api.js';
import { announce, fill, h } from '../dom.js';
import { healthBadge } from '../health.js';
import { navigate, tenantPath } from '../router.js';
import type { Session, Tenant } from '../types.js';
import { badge, emptyState, errorBox, field, pageHeader, section, table, when } from '../ui.js';

/** Quiet while every webhook stream delivers (or there are none); a badge with the troubles as its title otherwise. */
function webhookBadge(t: Tenant): HTMLElement {
  const { health, troubles } = t.webhooks;
  const why = troubles.map((x) => x.message).join('\n');
  return health === 'ok' ? h('span', { class: 'muted' }, 'ok') : health === 'retrying' ? badge('Retrying', 'amber', why) : badge('Failing', 'red', why);
}

/** Operators: a new tenant, then straight to its User provisioning to connect an IdP. */
function createForm(reload: () => Promise<Tenant[]>): HTMLElement {
  const slug = h('input', {
    type: 'text',
    id: 'new-tenant-slug',
    name: 'slug',
    required: true,
    maxlength: 63,
    pattern: '[a-z0-9]([a-z0-9-]*[a-z0-9])?',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const name = h('input', { type: 'text', id: 'new-tenant-name', name: 'name', maxlength: 200, autocomplete: 'off' });
  const message = h('div', { class: 'form-message' });
  const form = h(
    'form',
    {
      class: 'setup-link-form',
      'aria-label': 'Create a tenant',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const { tenant } = await api.createTenant(slug.value.trim(), name.value.trim());
          await reload();
          announce(`Tenant ${tenant.name} created`);
          navigate(tenantPath(tenant.slug, 'provisioning'));
        } catch (error) {
          fill(message, errorBox(error));
        }
      },
    },
    field('Slug', slug),
    field('Name', name),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Create tenant')),
  );
  return section('Create a tenant', [form, message], {
    id: 'create-tenant',
    description: 'The slug names the tenant in URLs (…/t/<slug>/scim/v2/): lower-case letters, digits and inner hyphens. Next you connect its identity provider.',
  });
}

/** The operator's tenant picker, with each tenant's Last SCIM request and Last SCIM change. */
export async function renderTenants(main: HTMLElement, tenants: Tenant[], session: Session, reload: () => Promise<Tenant[]>): Promise<void> {
  const fresh = await reload().catch(() => tenants);
  const body =
    fresh.length === 0
      ? emptyState('No tenants yet.', [
          'Create the first one on the server: ',
          h('code', null, 'roster tenant create acme --name "Acme Corp"'),
          ', then reload this page.',
        ])
      : table(
          'Tenants',
          [
            {
              header: 'Tenant',
              cell: (t: Tenant) =>
                h(
                  'div',
                  { class: 'cell-main' },
                  h('a', { href: tenantPath(t.slug, 'people'), class: 'strong-link' }, t.name),
                  h('span', { class: 'muted mono' }, t.slug),
                ),
            },
            { header: 'Health', cell: healthBadge },
            { header: 'Provisioning', cell: (t: Tenant) => (t.provisioningEnabled ? badge('On', 'green') : badge('Off', 'grey')) },
            { header: 'Webhooks', cell: webhookBadge },
            { header: 'Last SCIM request', cell: (t: Tenant) => when(t.lastScimRequestAt) },
            { header: 'Last SCIM change', cell: (t: Tenant) => when(t.lastScimChangeAt) },
            {
              header: 'Open',
              cell: (t: Tenant) =>
                h(
                  'div',
                  { class: 'row-links' },
                  h('a', { href: tenantPath(t.slug, 'provisioning'), 'aria-label': `User provisioning of ${t.name}` }, 'User provisioning'),
                  h('a', { href: tenantPath(t.slug, 'log'), 'aria-label': `Provisioning log of ${t.name}` }, 'Log'),
                ),
            },
          ],
          fresh,
        );
  fill(
    main,
    pageHeader('Tenants', session.admin.role === 'operator' ? 'Every organisation this Roster serves. Pick one to manage its people and provisioning.' : undefined),
    section(`${fresh.length} tenant${fresh.length === 1 ? '' : 's'}`, body, { id: 'tenants' }),
    session.admin.role === 'operator' ? createForm(reload) : null,
  );
}
