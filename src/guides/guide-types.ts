import type { SetupIdp } from '../provisioning/setup/setup-idps.js';

/**
 * One block of a guide section. `md` is markdown (the subset the console renders: paragraphs,
 * lists, **bold**, *italic*, `code`, links, tables, fenced code). The others are filled in where
 * they are shown: the mapping table from the schema registry, and — in the console only — the
 * tenant's SCIM URL, the token generated in place and the live connection check.
 */
export type GuideBlock =
  | { readonly type: 'md'; readonly text: string }
  | { readonly type: 'mapping'; readonly style: MappingStyle; readonly sources: Readonly<Record<string, string>> }
  | { readonly type: 'scim-url' }
  | { readonly type: 'token' }
  | { readonly type: 'live-check' }
  | { readonly type: 'if-it-fails' };

/** How an IdP wants attribute names: Okta's name + namespace, or a full target (URN-qualified for extensions). */
export type MappingStyle = 'okta' | 'entra' | 'urn' | 'pingone';

export type SectionKind = 'before' | 'concepts' | 'credentials' | 'step' | 'test' | 'reference' | 'recommendations' | 'faq';

export interface GuideSection {
  readonly id: string;
  readonly title: string;
  readonly kind: SectionKind;
  readonly blocks: readonly GuideBlock[];
}

/** An IdP's guided setup: the one source of docs/idp/<idp>.md and of the console's guided setup. */
export interface GuideDefinition {
  readonly idp: SetupIdp;
  readonly name: string;
  readonly title: string;
  readonly intro: string;
  readonly sections: readonly GuideSection[];
}
