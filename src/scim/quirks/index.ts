/**
 * The quirk pipeline: every request body passes through every applicable normaliser, in a fixed
 * order, before the strict parsers; the names of those that fired go to the request log.
 */
import type { JsonValue } from '../../json/json-value.js';
import { groupResourceSchema, userResourceSchema, type ResourceSchema, type ResourceTypeName } from '../schemas/registry.js';
import { entraCapitalisedOp } from './entra-capitalised-op.js';
import { entraDottedKeys } from './entra-dotted-keys.js';
import { entraMemberRemoveByValue } from './entra-member-remove-by-value.js';
import { entraStringBoolean } from './entra-string-boolean.js';
import { entraUnqualifiedManager } from './entra-unqualified-manager.js';
import { managerShapes } from './manager-shapes.js';
import { memberRefCleanup } from './member-ref-cleanup.js';
import type { Normaliser, NormaliserStage } from './normaliser.js';
import { oktaNoopIdInValue } from './okta-noop-id-in-value.js';

export type { Normaliser, NormaliserContext, NormaliserResult, NormaliserStage } from './normaliser.js';

/**
 * All normalisers, in the order they run. Order matters where one's output is another's input:
 * server-owned keys go before dotted keys are split (so `id` never becomes a path), dotted keys are
 * split before booleans and manager shapes are fixed per path, a manager's value is reshaped
 * before its bare path is qualified (either order gives the same body), and member references are cleaned
 * (a bare id wrapped) before Entra's remove-by-value is turned into a filter.
 */
export const normalisers: readonly Normaliser[] = [
  entraCapitalisedOp,
  oktaNoopIdInValue,
  entraDottedKeys,
  entraStringBoolean,
  managerShapes,
  entraUnqualifiedManager,
  memberRefCleanup,
  entraMemberRemoveByValue,
];

/** A normalised body and the names of the normalisers that changed it. */
export interface NormalisedBody {
  readonly body: JsonValue;
  readonly fired: string[];
}

function defaultSchema(resourceType: ResourceTypeName): ResourceSchema {
  return resourceType === 'User' ? userResourceSchema() : groupResourceSchema;
}

function run(stage: NormaliserStage, resourceType: ResourceTypeName, body: JsonValue, schema: ResourceSchema): NormalisedBody {
  const fired: string[] = [];
  let current = body;
  for (const normaliser of normalisers) {
    if (!normaliser.applies(stage, resourceType)) continue;
    const result = normaliser.normalise(current, { stage, resourceType, schema });
    if (result.fired) {
      fired.push(normaliser.name);
      current = result.body;
    }
  }
  return { body: current, fired };
}

/** Normalises a raw PATCH body for `resourceType` (pass the tenant's User schema when it has other extensions). */
export function normalisePatchBody(resourceType: ResourceTypeName, body: JsonValue, schema: ResourceSchema = defaultSchema(resourceType)): NormalisedBody {
  return run('patch', resourceType, body, schema);
}

/** Normalises a raw POST/PUT body of a User or Group. */
export function normaliseResourceBody(resourceType: ResourceTypeName, body: JsonValue, schema: ResourceSchema = defaultSchema(resourceType)): NormalisedBody {
  return run('resource', resourceType, body, schema);
}
