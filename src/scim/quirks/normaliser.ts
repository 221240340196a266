/**
 * A quirk normaliser rewrites what a real IdP sends into the RFC shape the strict parsers accept,
 * before they run (docs/architecture.md; the evidence is
 * recorded in docs/idp-behaviors.md). A tenant never says which IdP it uses, so every
 * normaliser runs on every request and must fire only on a shape that cannot mean anything else.
 */
import type { JsonValue } from '../../json/json-value.js';
import type { ResourceSchema, ResourceTypeName } from '../schemas/registry.js';

/** `patch`: the raw PatchOp body of PATCH /Users/{id} or /Groups/{id}. `resource`: a raw POST/PUT body. */
export type NormaliserStage = 'patch' | 'resource';

/** What a normaliser knows about the request it rewrites. */
export interface NormaliserContext {
  readonly stage: NormaliserStage;
  readonly resourceType: ResourceTypeName;
  /** The resource type's schemas (for Users: core plus the configured extensions). */
  readonly schema: ResourceSchema;
}

/** The rewritten body (the input itself when nothing fired; never a mutated input) and whether it fired. */
export interface NormaliserResult {
  readonly body: JsonValue;
  readonly fired: boolean;
}

/** One named, evidenced rewrite. */
export interface Normaliser {
  /** Stable name, recorded in the request log when the normaliser fires. */
  readonly name: string;
  /** What it rewrites, in one sentence. */
  readonly description: string;
  /** The fixture file(s) under `scim/quirks/fixtures/` and the docs/idp-behaviors.md section proving the shape is real. */
  readonly evidence: string;
  /** Whether it runs at all for this stage and resource type. */
  applies(stage: NormaliserStage, resourceType: ResourceTypeName): boolean;
  /** Rewrites `body`; must not throw and must not mutate `body`. */
  normalise(body: JsonValue, context: NormaliserContext): NormaliserResult;
}

/** The result of a normaliser that did not fire. */
export function unchanged(body: JsonValue): NormaliserResult {
  return { body, fired: false };
}
