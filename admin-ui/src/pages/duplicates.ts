import { api } from '../api.js';
import { fill } from '../dom.js';
import type { PageContext } from '../main.js';
import { emptyState, pageHeader, section } from '../ui.js';
import { peopleTable } from './people-table.js';

/** Possible duplicates: people sharing an email, or the same name under different userNames. */
export async function renderDuplicates(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const { duplicates } = await api.duplicates(slug);
  if (!ctx.current()) return;
  fill(
    main,
    pageHeader('Possible duplicates', 'People who may be the same person twice. Fix them in the identity provider (or choose the matching field on User provisioning) — Roster never merges people by itself.'),
    duplicates.length === 0
      ? section('No possible duplicates', emptyState('No two people share an email or a name.', 'Nothing to do. Roster checks again whenever you open this page.'))
      : duplicates.map((d) =>
          section(
            d.reason === 'email' ? `Same email: ${d.key}` : `Same name: ${d.key}`,
            peopleTable(slug, d.reason === 'email' ? `People sharing the email ${d.key}` : `People named ${d.key}`, d.people),
            { description: d.reason === 'email' ? 'Different people, one email address.' : 'Same given and family name, different userNames.' },
          ),
        ),
  );
}
