import { api, ApiError } from '../api.js';
import { announce, fill, h } from '../dom.js';
import { exact, number } from '../format.js';
import type { PageContext } from '../main.js';
import { tenantPath } from '../router.js';
import type { HeldChange } from '../types.js';
import { emptyState, pageHeader, section, table, when } from '../ui.js';

const KINDS: Record<HeldChange['kind'], string> = {
  'user.deactivate': 'Deactivate person',
  'user.delete': 'Delete person',
  'group.empty': 'Empty group',
};

/** A JSON value as an admin reads it: text unquoted, absent as a dash. */
function shown(value: unknown): HTMLElement {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  return h('code', null, typeof value === 'string' ? value : JSON.stringify(value));
}

function target(slug: string, c: HeldChange): HTMLElement {
  const name = c.target?.name ?? c.resourceId;
  const href = c.target?.type === 'group' ? tenantPath(slug, 'groups', c.resourceId) : tenantPath(slug, 'people', c.resourceId);
  return h(
    'div',
    { class: 'cell-main' },
    c.target?.exists === false ? h('span', { class: 'strong' }, name) : h('a', { href, class: 'strong-link' }, name),
    h('span', { class: 'muted' }, KINDS[c.kind]),
    c.target?.exists === false ? h('span', { class: 'muted' }, 'Gone since: approving only closes this.') : null,
  );
}

/** What approval would do: the members a group loses, and each attribute from its value now to after. */
function effect(c: HeldChange): HTMLElement {
  const rows = (c.changes ?? []).map((x) =>
    h(
      'li',
      null,
      h('span', { class: 'note-label' }, x.attribute),
      ' ',
      shown(x.before),
      ' → ',
      c.kind === 'user.delete' ? h('span', { class: 'strong' }, 'deleted') : shown(x.after),
    ),
  );
  return h(
    'ul',
    { class: 'notes' },
    c.kind === 'group.empty' && c.target?.members !== null && c.target?.members !== undefined ? h('li', null, `Removes all ${number(c.target.members)} members`) : null,
    rows,
    h('li', { class: 'muted' }, c.reason),
  );
}

/**
 * Changes the mass-change guard held: each with what it would change, and Approve / Discard, each
 * asking once more before it acts (an approval deactivates or deletes people for real).
 */
export async function renderHeldChanges(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const list = h('div', { id: 'held-changes' });
  const heading = section('Waiting for a decision', list, {
    id: 'held',
    description:
      'Approve applies the change now, and the host product hears of it from that moment. Discard drops it: nothing is applied, and the identity provider is not told.',
  });
  fill(
    main,
    pageHeader(
      'Held changes',
      'Deactivations, deletions and group emptyings the mass-change guard stopped because too many came at once. Nothing of them has happened yet.',
    ),
    heading,
  );

  const refresh = async (): Promise<void> => {
    const { heldChanges } = await api.heldChanges(slug);
    if (!ctx.current()) return;
    heading.querySelector('h2')!.textContent = heldChanges.length === 0 ? 'Waiting for a decision' : `${number(heldChanges.length)} waiting for a decision`;
    if (heldChanges.length === 0) {
      fill(
        list,
        emptyState(
          'Nothing is held.',
          'When an identity provider deactivates or deletes more people at once than this tenant allows, those changes wait here for an admin.',
        ),
      );
      return;
    }
    fill(
      list,
      table(
        'Held changes, newest first',
        [
          { header: 'Change', cell: (c: HeldChange) => target(slug, c) },
          { header: 'What it would change', cell: effect, className: 'notes-cell' },
          { header: 'Held', cell: (c: HeldChange) => h('span', { title: exact(c.heldAt) }, when(c.heldAt)), className: 'nowrap' },
          { header: 'Decision', cell: (c: HeldChange) => actions(c) },
        ],
        heldChanges,
      ),
    );
  };

  const actions = (c: HeldChange): HTMLElement => {
    const cell = h('div', { class: 'row-actions' });
    const name = c.target?.name ?? c.resourceId;
    const ask = (decision: 'approve' | 'discard') => {
      const verb = decision === 'approve' ? 'Approve' : 'Discard';
      const confirm = h(
        'button',
        {
          type: 'button',
          class: `button ${decision === 'approve' ? 'button-danger' : 'button-secondary'} button-small`,
          // The visible words first: speech users say what they see.
          'aria-label': `${verb} now: ${KINDS[c.kind].toLowerCase()} ${name}`,
          onclick: async () => {
            confirm.disabled = true;
            try {
              await api.decideHeldChange(slug, c.id, decision);
              announce(decision === 'approve' ? `Approved: ${KINDS[c.kind].toLowerCase()} ${name} is applied.` : `Discarded: ${name} stays as it is.`);
            } catch (error) {
              announce(error instanceof ApiError ? error.message : `Could not ${decision}`);
            }
            await refresh();
            main.querySelector<HTMLElement>('#page-title')?.focus();
          },
        },
        `${verb} now`,
      );
      const cancel = h(
        'button',
        {
          type: 'button',
          class: 'button button-ghost button-small',
          onclick: () => {
            fill(cell, approve, discard);
            approve.focus();
          },
        },
        'Cancel',
      );
      fill(cell, confirm, cancel);
      confirm.focus();
    };
    const approve = h(
      'button',
      { type: 'button', class: 'button button-secondary button-small', 'aria-label': `Approve ${KINDS[c.kind].toLowerCase()} ${name}`, onclick: () => ask('approve') },
      'Approve',
    );
    const discard = h(
      'button',
      { type: 'button', class: 'button button-ghost button-small', 'aria-label': `Discard ${KINDS[c.kind].toLowerCase()} ${name}`, onclick: () => ask('discard') },
      'Discard',
    );
    fill(cell, approve, discard);
    return cell;
  };

  await refresh();
}
