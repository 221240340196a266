import type { JsonObject } from '../../json/json-value.js';
import { parseAttributeList, type ProjectionLeniency, type ProjectionPath } from '../resources/attribute-list.js';
import { project } from '../resources/project.js';
import type { ResourceSchema } from '../schemas/registry.js';
import type { ProjectionParams, RequestNotes } from './context.js';

/** `attributes` / `excludedAttributes` of one request, parsed once. */
export interface Projection {
  readonly attributes?: ProjectionPath[];
  readonly excludedAttributes?: ProjectionPath[];
}

export function parseProjection(schema: ResourceSchema, params: ProjectionParams, notes: RequestNotes): Projection {
  const leniencies: ProjectionLeniency[] = [];
  const attributes = parseAttributeList(params.attributes, schema, leniencies);
  const excludedAttributes = parseAttributeList(params.excludedAttributes, schema, leniencies);
  for (const l of leniencies) notes.leniencies.push(`${l.kind}: ${l.entry}`);
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** Whether the response will show a (core, top-level) attribute — to skip loading members or groups. */
export function shows(projection: Projection, attribute: string): boolean {
  const named = (list: readonly ProjectionPath[] | undefined) =>
    list?.some((p) => p.extension === undefined && p.attribute?.toLowerCase() === attribute.toLowerCase() && p.subAttribute === undefined) ?? false;
  const namedOrSub = (list: readonly ProjectionPath[] | undefined) =>
    list?.some((p) => p.extension === undefined && p.attribute?.toLowerCase() === attribute.toLowerCase()) ?? false;
  if (projection.attributes) return namedOrSub(projection.attributes);
  return !named(projection.excludedAttributes);
}

export function applyProjection(schema: ResourceSchema, resource: JsonObject, projection: Projection): JsonObject {
  if (!projection.attributes && !projection.excludedAttributes) return resource;
  return project(schema, resource, projection);
}
