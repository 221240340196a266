import { z } from 'zod';
import { isJsonObject, type JsonValue } from '../json/json-value.js';
import { settingsSchema } from '../provisioning/tenants/tenant-settings.js';

/** Where the console's copy of the settings type lives, from the repository root. */
export const CONSOLE_SETTINGS_FILE = 'admin-ui/src/generated/settings.ts';

/**
 * The console's settings type, written from the tenant settings schema. The console is compiled on
 * its own (admin-ui/tsconfig.json, rootDir admin-ui/src, DOM types only), so it cannot import the
 * server's modules even for types; scripts/generate-console-settings.ts writes this text to
 * CONSOLE_SETTINGS_FILE and a test fails when the file is stale.
 */
export function consoleSettingsModule(schema: z.ZodObject = settingsSchema): string {
  const generated: unknown = JSON.parse(JSON.stringify(z.toJSONSchema(schema, { io: 'output' })));
  if (!isJsonObject(generated) || !isJsonObject(generated['properties'])) throw new Error('the tenant settings schema is not an object schema');
  const fields = Object.entries(generated['properties']).map(([name, property]) => {
    if (!isJsonObject(property)) throw new Error(`setting ${name}: not a schema`);
    const description = typeof property['description'] === 'string' ? property['description'] : '';
    const doc = `${description} Default: ${JSON.stringify(property['default'])}.`.trim().replace(/\*\//g, '*\\/');
    return `  /** ${doc} */\n  ${name}: ${typeScriptType(name, property)};`;
  });
  return [
    '// Generated from the tenant settings schema (src/provisioning/tenants/tenant-settings.ts) by',
    '// scripts/generate-console-settings.ts: change the schema, then run `npm run console-settings`.',
    '',
    "/** A tenant's settings as the admin API answers them, every one present. */",
    'export interface TenantSettings {',
    ...fields,
    '}',
    '',
  ].join('\n');
}

/** The TypeScript type of one setting's JSON Schema; a shape the console cannot be told about is an error, not `unknown`. */
function typeScriptType(name: string, property: JsonValue): string {
  if (!isJsonObject(property)) throw new Error(`setting ${name}: not a schema`);
  const choices = property['enum'];
  if (Array.isArray(choices)) return choices.map((c) => `'${String(c).replace(/[\\']/g, '\\$&')}'`).join(' | ');
  switch (property['type']) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = property['items'];
      if (items === undefined) throw new Error(`setting ${name}: an array without items`);
      const item = typeScriptType(name, items);
      return item.includes(' ') ? `(${item})[]` : `${item}[]`;
    }
    default:
      throw new Error(`setting ${name}: no console type for ${JSON.stringify(property)}`);
  }
}
