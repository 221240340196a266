import { guideScreenshot } from './guides.js';
import type { ResolvedBlock, ResolvedGuide } from './resolve-guide.js';

/** The first line every generated guide carries, so nobody edits the output by hand. */
export const GENERATED_NOTE = '<!-- Generated from src/guides/ by scripts/generate-idp-guides.ts: edit the source, then run `npm run guides`. -->';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function block(guide: ResolvedGuide, b: ResolvedBlock): string | undefined {
  switch (b.type) {
    case 'md':
      return b.text;
    case 'table':
      return table(b.header, b.rows);
    case 'scim-url':
    case 'token':
      // The console shows the tenant's URL and the Generate button here; the markdown says how.
      return undefined;
    case 'live-check':
      return `**In Roster's guided setup** this step shows each request from ${guide.name} as it arrives — when, which IdP Roster recognised, and what it answered — so you can see the ${guide.terms.test} land without leaving the page.`;
    case 'if-it-fails':
      return ['**If this step fails**', '', ...b.items.map((i) => `- ${i.shows}: ${i.fix}`)].join('\n');
  }
}

/** docs/idp/<idp>.md, written from the same guide the console shows. */
export function guideMarkdown(guide: ResolvedGuide): string {
  const parts = [GENERATED_NOTE, '', `# ${guide.title}`, '', guide.intro];
  // What the same guide looks like in Roster's guided setup (taken by test/browser/setup-link.test.ts).
  parts.push('', `![${guide.name}'s guided setup in Roster, with the tenant's own values](${guideScreenshot(guide.idp)})`);
  for (const section of guide.sections) {
    parts.push('', `## ${section.title}`);
    for (const b of section.blocks) {
      const text = block(guide, b);
      if (text !== undefined) parts.push('', text);
    }
  }
  return `${parts.join('\n')}\n`;
}
