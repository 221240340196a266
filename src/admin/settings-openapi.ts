import { z } from 'zod';
import { isJsonObject, type JsonObject } from '../json/json-value.js';
import { settingsSchema } from '../provisioning/tenants/tenant-settings.js';

/**
 * The OpenAPI `Settings` component: the tenant settings schema itself, as zod writes it in JSON
 * Schema (types, limits, descriptions, defaults), with `provisioningEnabled` beside the settings as
 * the admin API answers them. A new setting appears here with no edit.
 */
export function settingsComponent(schema: z.ZodObject = settingsSchema): JsonObject {
  // A JSON round trip turns zod's JSON Schema type into plain JSON (it is plain JSON already).
  const generated: unknown = JSON.parse(JSON.stringify(z.toJSONSchema(schema, { io: 'output' })));
  if (!isJsonObject(generated) || !isJsonObject(generated['properties']) || !Array.isArray(generated['required'])) {
    throw new Error('the tenant settings schema is not an object schema');
  }
  // $schema names the dialect; OpenAPI 3.1 documents already use JSON Schema 2020-12.
  const { $schema: _dialect, properties, required, ...rest } = generated;
  return {
    ...rest,
    properties: {
      ...properties,
      provisioningEnabled: { type: 'boolean', description: 'false: SCIM requests get 403; credentials are kept.' },
    },
    required: [...required, 'provisioningEnabled'],
  };
}
