import { MAPPED_ATTRIBUTES, NAMESPACE_SCHEMAS, qualifiedName, unknownPath, type MappedAttribute } from './attribute-map.js';
import { explainOutcome, FAILURE_OUTCOMES, IDP_TERMS } from './connection-outcomes.js';
import type { GuideBlock, GuideDefinition, MappingStyle } from './guide-types.js';

/** A block as the console and the markdown writer receive it: mapping tables and failure lists filled in. */
export type ResolvedBlock =
  | { readonly type: 'md'; readonly text: string }
  | { readonly type: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly type: 'scim-url' }
  | { readonly type: 'token' }
  | { readonly type: 'live-check' }
  | { readonly type: 'if-it-fails'; readonly items: readonly { readonly shows: string; readonly fix: string }[] };

export interface ResolvedGuide {
  readonly idp: GuideDefinition['idp'];
  readonly name: string;
  readonly title: string;
  readonly intro: string;
  readonly terms: { readonly url: string; readonly token: string; readonly test: string };
  readonly sections: readonly { readonly id: string; readonly title: string; readonly kind: string; readonly blocks: readonly ResolvedBlock[] }[];
}

const code = (text: string) => `\`${text}\``;

const HEADERS: Record<MappingStyle, readonly string[]> = {
  okta: ['Roster attribute', 'External name', 'External namespace', 'Format', '', 'A usual Okta source'],
  entra: ['Roster attribute', 'Target attribute', 'Usual source in Entra', ''],
  urn: ['Roster attribute', 'SCIM attribute', 'Google Directory field'],
  pingone: ['Roster attribute', 'SCIM target', 'Usual PingOne source', ''],
};

function row(style: MappingStyle, a: MappedAttribute, source: string): string[] {
  switch (style) {
    case 'okta':
      return [a.label, code(a.oktaName ?? a.path), a.namespace, a.format, a.level, source];
    case 'entra':
    case 'pingone':
      return [a.label, code(qualifiedName(a)), source, a.level];
    case 'urn':
      return [a.label, code(qualifiedName(a)), source];
  }
}

/**
 * The mapping table of one IdP, from the attribute list checked against the schema registry: a
 * path the registry does not know throws, so no guide can name an attribute Roster would ignore.
 */
export function mappingTable(style: MappingStyle, sources: Readonly<Record<string, string>>): { header: readonly string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const attribute of MAPPED_ATTRIBUTES) {
    const problem = unknownPath(attribute);
    if (problem) throw new Error(`guide mapping: ${problem}`);
    const source = sources[attribute.label];
    if (source !== undefined) rows.push(row(style, attribute, source));
  }
  const unknown = Object.keys(sources).filter((label) => !MAPPED_ATTRIBUTES.some((a) => a.label === label));
  if (unknown.length > 0) throw new Error(`guide mapping: no attribute labelled ${unknown.join(', ')}`);
  return { header: HEADERS[style], rows };
}

function resolveBlock(guide: GuideDefinition, block: GuideBlock): ResolvedBlock {
  switch (block.type) {
    case 'mapping':
      return { type: 'table', ...mappingTable(block.style, block.sources) };
    case 'if-it-fails':
      return { type: 'if-it-fails', items: FAILURE_OUTCOMES.map((f) => ({ shows: f.shows, fix: explainOutcome(f.outcome, guide.idp) })) };
    default:
      return block;
  }
}

/** A guide with everything derived filled in: what GET /setup/guides/{idp} answers and the markdown is written from. */
export function resolveGuide(guide: GuideDefinition): ResolvedGuide {
  return {
    idp: guide.idp,
    name: guide.name,
    title: guide.title,
    intro: guide.intro,
    terms: IDP_TERMS[guide.idp],
    sections: guide.sections.map((s) => ({ id: s.id, title: s.title, kind: s.kind, blocks: s.blocks.map((b) => resolveBlock(guide, b)) })),
  };
}

/** The namespaces a guide spells out, by the short name its tables use. */
export const NAMESPACE_URNS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(NAMESPACE_SCHEMAS).map(([k, s]) => [k, s.id]));
