import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import { successStatuses, type AnyRouteContract } from './route-contract.js';

/** Security schemes that together admit a request, each with its scopes. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

/** What an API says of itself beyond its routes. */
export interface OpenApiSurface {
  readonly info: JsonObject;
  /** Where the API is served when Roster is not mounted under a prefix. */
  readonly serverUrl: string;
  readonly securitySchemes: JsonObject;
  readonly security: readonly SecurityRequirement[];
  /** The API's one error body. */
  readonly errorSchema: z.ZodType;
  /** What each error status means on this API. */
  readonly errorDescriptions: Readonly<Record<number, string>>;
  /** A route's security when it does not declare its own (e.g. unsafe methods also need a CSRF token). */
  securityFor?(contract: AnyRouteContract): readonly SecurityRequirement[] | undefined;
}

const SAFE_INT = 9007199254740991;
const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 204: 'No content' };

/**
 * Schemas given an id with `.meta({ id })` become components; `admin.Person` and `host.Person` are
 * both `Person` in their own document (the prefix only keeps ids unique in zod's registry).
 */
const componentName = (id: string): string => id.slice(id.lastIndexOf('.') + 1);

/** Rewrites zod's JSON Schema for OpenAPI: component references, and no noise zod adds for its own checks. */
function tidy(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(tidy);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$schema' || key === '$defs' || v === undefined) continue;
    if (key === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out[key] = `#/components/schemas/${componentName(v.slice('#/$defs/'.length))}`;
    else if ((key === 'minimum' && v === -SAFE_INT) || (key === 'maximum' && v === SAFE_INT)) continue;
    else if (key === 'pattern' && value['format'] === 'date-time') continue;
    else if (key === 'propertyNames' && isJsonObject(v) && v['type'] === 'string' && Object.keys(v).length === 1) continue;
    else out[key] = tidy(v);
  }
  return out;
}

/** Converts zod schemas into one document's JSON Schemas, collecting the named ones as components. */
export class SchemaCollector {
  readonly components: Record<string, JsonObject> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
    const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonObject;
    const defs = converted['$defs'];
    if (isJsonObject(defs)) {
      for (const [id, def] of Object.entries(defs)) {
        const name = componentName(id);
        if (!(name in this.components) && isJsonObject(def)) this.components[name] = tidy(def) as JsonObject;
      }
    }
    return tidy(converted) as JsonObject;
  }
}

const requirement = (r: SecurityRequirement): JsonObject => Object.fromEntries(Object.entries(r).map(([name, scopes]) => [name, [...scopes]]));
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(collector: SchemaCollector, schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = collector.convert(schema, 'input');
  const properties = isJsonObject(object['properties']) ? object['properties'] : {};
  const required = new Set(Array.isArray(object['required']) ? object['required'] : []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = isJsonObject(property) ? property : {};
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function operation(collector: SchemaCollector, surface: OpenApiSurface, contract: AnyRouteContract, errorRef: JsonObject): JsonObject {
  const responses: JsonObject = {};
  for (const status of successStatuses(contract)) {
    responses[String(status)] =
      contract.response === null
        ? { description: STATUS_TEXT[status] ?? 'OK' }
        : {
            description: STATUS_TEXT[status] ?? 'OK',
            content: { [contract.mediaType ?? 'application/json']: { schema: collector.convert(contract.response, 'output') } },
          };
  }
  for (const status of contract.errors) {
    responses[String(status)] = { description: surface.errorDescriptions[status] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
  }
  const body = contract.body ? collector.convert(contract.body, 'input') : undefined;
  const security = contract.security ?? surface.securityFor?.(contract);
  const params = [...parameters(collector, contract.params, 'path'), ...parameters(collector, contract.query, 'query')];
  return {
    operationId: contract.operationId,
    summary: contract.summary,
    ...(contract.description ? { description: contract.description } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(security ? { security: security.map(requirement) } : {}),
    ...(body ? { requestBody: { required: Array.isArray(body['required']) && body['required'].length > 0, content: { 'application/json': { schema: body } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of an API, generated from its route declarations. */
export function openApiDocument(surface: OpenApiSurface, contracts: readonly AnyRouteContract[]): JsonObject {
  const collector = new SchemaCollector();
  const errorRef = collector.convert(surface.errorSchema, 'output');
  const paths: Record<string, JsonObject> = {};
  for (const contract of contracts) {
    const path = openApiPath(contract.path);
    paths[path] = { ...paths[path], [contract.method.toLowerCase()]: operation(collector, surface, contract, errorRef) };
  }
  return {
    openapi: '3.1.0',
    info: surface.info,
    servers: [{ url: surface.serverUrl }],
    security: surface.security.map(requirement),
    paths,
    components: { securitySchemes: surface.securitySchemes, schemas: collector.components },
  };
}
