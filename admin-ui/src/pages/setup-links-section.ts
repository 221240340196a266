import { api } from '../api.js';
import { announce, fill, h } from '../dom.js';
import type { SetupLink } from '../types.js';
import { badge, copyField, errorBox, field, section, select, table, when } from '../ui.js';
import { SETUP_IDPS } from './guided-setup.js';

const STATE_TONES = { open: 'green', used: 'grey', expired: 'grey', revoked: 'red', unknown: 'grey' } as const;

function linkTable(slug: string, links: readonly SetupLink[], refresh: () => Promise<void>): HTMLElement {
  if (links.length === 0) return h('p', { class: 'muted' }, 'No setup links yet.');
  return table(
    'Setup links',
    [
      { header: 'State', cell: (l) => badge(l.state, STATE_TONES[l.state]) },
      { header: 'IdP', cell: (l) => SETUP_IDPS.find(([id]) => id === l.idp)?.[1] ?? 'chosen by the customer' },
      { header: 'Uses', cell: (l) => `${l.uses}${l.singleUse ? ' of 1' : ''}`, numeric: true },
      { header: 'Expires', cell: (l) => when(l.expiresAt) },
      { header: 'Made by', cell: (l) => h('span', { class: 'mono' }, l.createdBy) },
      {
        header: 'Actions',
        cell: (l) =>
          l.state === 'open'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button button-danger button-small',
                  'aria-label': `Revoke setup link ${l.id}`,
                  onclick: async () => {
                    await api.revokeSetupLink(slug, l.id);
                    announce('Setup link revoked: its sessions have ended');
                    await refresh();
                  },
                },
                'Revoke',
              )
            : null,
      },
    ],
    links,
  );
}

/** Setup links on User provisioning: made here, sent to the customer's IT admin, shown once. */
export async function setupLinksSection(slug: string): Promise<HTMLElement> {
  const listArea = h('div', { id: 'setup-link-list' });
  const madeArea = h('div', { id: 'setup-link-made', tabindex: '-1' });
  const refresh = async () => fill(listArea, linkTable(slug, (await api.setupLinks(slug)).links, refresh));
  await refresh();
  const idp = select('setup-link-idp', [['', 'Let the customer choose'], ...SETUP_IDPS], '');
  const expires = select(
    'setup-link-expires',
    [
      ['1d', '1 day'],
      ['7d', '7 days'],
      ['30d', '30 days'],
    ],
    '7d',
  );
  const once = h('input', { type: 'checkbox', id: 'setup-link-once' });
  const product = h('input', { type: 'text', id: 'setup-link-product', maxlength: 80, placeholder: 'Shown to the customer', autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'setup-link-form',
      'aria-label': 'Create a setup link',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const body: Record<string, string | boolean> = { expiresIn: expires.value, singleUse: once.checked };
          if (idp.value) body['idp'] = idp.value;
          if (product.value.trim()) body['productName'] = product.value.trim();
          const made = await api.createSetupLink(slug, body);
          fill(
            madeArea,
            h(
              'div',
              { class: 'callout callout-warning', role: 'status' },
              h('strong', null, 'Send this link now. '),
              'Roster keeps only a hash of it and cannot show it again.',
            ),
            copyField('Setup link', made.url, { id: 'setup-link-url', secret: true }),
          );
          announce('Setup link made: copy it now');
          madeArea.focus();
          await refresh();
        } catch (error) {
          fill(madeArea, errorBox(error));
        }
      },
    },
    field('Identity provider', idp),
    field('Valid for', expires),
    field('Product name', product),
    h('div', { class: 'field checkbox-field' }, once, h('label', { for: 'setup-link-once' }, 'Single use')),
    h('button', { type: 'submit', class: 'button' }, 'Create setup link'),
  );
  return section('Setup links', [form, madeArea, listArea], {
    id: 'setup-links',
    description:
      "A link for the customer's IT admin: it opens the guided setup of this tenant without a Roster account, and can do nothing else. Revoke it to end its sessions.",
  });
}
