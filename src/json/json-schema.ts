import { z } from 'zod';
import type { JsonValue } from './json-value.js';

/**
 * Any JSON value, as one named recursive schema: the APIs' answers carry SCIM documents and event
 * payloads as they are, and their OpenAPI documents (and the console's types) call this `Json`.
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]))
  .meta({ id: 'Json' });

/** A JSON object of any members. */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);
