import { api } from '../api.js';
import { announce, fill, h } from '../dom.js';
import type { AdminListing, Session, Tenant } from '../types.js';
import { badge, copyField, errorBox, field, pageHeader, section, select, table, when } from '../ui.js';

/** A one-time link, shown once with where it leads and when it stops working. */
function linkShown(area: HTMLElement, title: string, link: string, expiresAt: string, id: string): void {
  fill(
    area,
    h(
      'div',
      { class: 'callout callout-warning', role: 'status' },
      h('strong', null, `${title} `),
      'Send it to them now: Roster keeps only a hash of it and cannot show it again. It works once, until ',
      when(expiresAt),
      '.',
    ),
    copyField('One-time link', link, { id, secret: true }),
  );
  announce(`${title} Copy the link now.`);
  area.focus();
}

/**
 * Operators: every console admin, an invitation by one-time link (the invited person sets their own
 * first password), a new password-reset link, and removal after a second click.
 */
export async function renderAdmins(main: HTMLElement, session: Session, tenants: readonly Tenant[]): Promise<void> {
  const listArea = h('div', { id: 'admin-list' });
  const shownArea = h('div', { id: 'admin-link', tabindex: '-1', class: 'issued' });

  const refresh = async (): Promise<void> => {
    const { admins } = await api.admins();
    const rows = table(
      'Console admins',
      [
        {
          header: 'Admin',
          cell: (a: AdminListing) =>
            h('div', { class: 'cell-main' }, h('span', { class: 'strong' }, a.email), a.id === session.admin.id ? h('span', { class: 'muted' }, 'you') : null),
        },
        { header: 'Manages', cell: (a: AdminListing) => (a.role === 'operator' ? badge('Operator · all tenants', 'indigo') : h('code', null, a.tenant ?? '')) },
        { header: 'Last sign-in', cell: (a: AdminListing) => (a.lastSignInAt ? when(a.lastSignInAt) : h('span', { class: 'muted' }, 'never')), className: 'nowrap' },
        { header: 'Status', cell: (a: AdminListing) => (a.disabledAt ? badge('Disabled', 'grey') : badge('Active', 'green')) },
        { header: 'Actions', cell: (a: AdminListing) => actions(a) },
      ],
      admins,
    );
    fill(listArea, rows);
    const heading = main.querySelector('#admins-heading');
    if (heading) heading.textContent = `${admins.length} admin${admins.length === 1 ? '' : 's'}`;
  };

  const actions = (a: AdminListing): HTMLElement => {
    const cell = h('div', { class: 'row-actions' });
    if (a.id === session.admin.id) return h('span', { class: 'muted' }, '—');
    const reset = h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary button-small',
        'aria-label': `Reset password of ${a.email}`,
        disabled: a.disabledAt !== null,
        onclick: async () => {
          try {
            const made = await api.resetAdmin(a.id);
            linkShown(shownArea, `Password-reset link for ${a.email}.`, made.link, made.expiresAt, 'reset-link');
          } catch (error) {
            fill(shownArea, errorBox(error));
          }
        },
      },
      'Reset password',
    );
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'button button-ghost button-small',
        'aria-label': `Remove ${a.email}`,
        onclick: () => {
          const confirm = h(
            'button',
            {
              type: 'button',
              class: 'button button-danger button-small',
              'aria-label': `Remove now: ${a.email}`,
              onclick: async () => {
                confirm.disabled = true;
                try {
                  await api.removeAdmin(a.id);
                  announce(`${a.email} removed: their sessions have ended.`);
                } catch (error) {
                  fill(shownArea, errorBox(error));
                }
                await refresh();
              },
            },
            'Remove now',
          );
          const cancel = h(
            'button',
            {
              type: 'button',
              class: 'button button-ghost button-small',
              onclick: () => {
                fill(cell, reset, remove);
                remove.focus();
              },
            },
            'Cancel',
          );
          fill(cell, confirm, cancel);
          confirm.focus();
        },
      },
      'Remove',
    );
    fill(cell, reset, remove);
    return cell;
  };

  const email = h('input', { type: 'email', id: 'invite-email', name: 'email', required: true, autocomplete: 'off', maxlength: 254 });
  const tenant = select('invite-tenant', [...tenants.map((t) => [t.slug, `${t.name} (${t.slug})`] as const), ['', 'Operator: all tenants']], tenants[0]?.slug ?? '');
  const form = h(
    'form',
    {
      class: 'setup-link-form',
      'aria-label': 'Invite an admin',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const made = await api.inviteAdmin(email.value.trim(), tenant.value || null);
          linkShown(shownArea, `Invitation for ${made.admin.email}: the link sets their first password.`, made.link, made.expiresAt, 'invite-link');
          email.value = '';
          await refresh();
        } catch (error) {
          fill(shownArea, errorBox(error));
        }
      },
    },
    field('Email', email),
    field('Manages', tenant),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Invite')),
  );

  fill(
    main,
    pageHeader('Admins', 'Who may sign in to this console. An invited admin gets a one-time link and chooses their own password; nobody else ever sees it.'),
    section('Invite an admin', [form, shownArea], { id: 'invite' }),
    section('Admins', listArea, { id: 'admins' }),
  );
  await refresh();
}
