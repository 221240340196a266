import { z } from 'zod';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { isSettingName, settingsSchema, type SettingName } from '../provisioning/tenants/tenant-settings.js';
import type { ParsedArgs } from './args.js';

/** How a flag's text becomes a setting's value. */
type FlagKind =
  | { readonly type: 'list' }
  | { readonly type: 'boolean' }
  | { readonly type: 'number' }
  | { readonly type: 'choice'; readonly choices: readonly string[] }
  | { readonly type: 'text' };

/** One tenant setting as a `roster tenant settings` flag. */
export interface SettingFlag {
  /** The setting's name in the schema. */
  readonly setting: string;
  /** Without the leading `--`. */
  readonly flag: string;
  /** What the flag takes, for the usage line: `a|b`, `N`, `true|false`, `A,B`. */
  readonly takes: string;
  readonly description: string;
  /** The default as it would be typed. */
  readonly defaultText: string;
  readonly kind: FlagKind;
}

/** Flags named before they were derived from the settings; scripts and docs use these names. */
const FLAG_NAMES: Partial<Record<SettingName, string>> = { supportedLanguages: 'languages' };

/** supportedLanguages → supported-languages. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function kindOf(field: z.ZodType): FlagKind {
  if (field instanceof z.ZodArray) return { type: 'list' };
  if (field instanceof z.ZodBoolean) return { type: 'boolean' };
  if (field instanceof z.ZodNumber) return { type: 'number' };
  if (field instanceof z.ZodEnum) return { type: 'choice', choices: field.options.map(String) };
  return { type: 'text' };
}

const TAKES: Record<FlagKind['type'], string> = { list: 'A,B', boolean: 'true|false', number: 'N', choice: '', text: 'TEXT' };

/** A settings schema: every setting has a default (the tenant settings schema, or one with a setting added in a test). */
export type SettingsShape = z.ZodObject<Record<string, z.ZodDefault<z.ZodType>>>;

/** Each setting of `schema` as a flag, in the schema's order: a new setting is a new flag with no edit here. */
export function settingFlagsOf(schema: SettingsShape): SettingFlag[] {
  const defaults = schema.parse({});
  return Object.entries(schema.shape).map(([setting, field]) => {
    const inner = field.unwrap();
    const kind = kindOf(inner);
    return {
      setting,
      flag: (isSettingName(setting) ? FLAG_NAMES[setting] : undefined) ?? kebab(setting),
      takes: kind.type === 'choice' ? kind.choices.join('|') : TAKES[kind.type],
      description: inner.description ?? '',
      defaultText: shown(defaults[setting]),
      kind,
    };
  });
}

/** The tenant settings as flags. */
export const SETTING_FLAGS: readonly SettingFlag[] = settingFlagsOf(settingsSchema);

/** The flags `roster tenant settings` owns, for the argument parser. */
export function settingFlagTable(): Record<string, 'value'> {
  return Object.fromEntries(SETTING_FLAGS.map((f) => [f.flag, 'value' as const]));
}

/** A default as typed on the command line. */
function shown(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The flags' part of the usage: a synopsis line per few flags, then each flag with its description and default. */
export function settingFlagsHelp(flags: readonly SettingFlag[] = SETTING_FLAGS): { synopsis: string; details: string } {
  const words = flags.map((f) => `[--${f.flag} ${f.takes}]`);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + word.length < 100) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  const details = flags.map((f) => `  --${f.flag} ${f.takes}\n      ${f.description} Default: ${f.defaultText}.`);
  return { synopsis: lines.join('\n       '), details: `Settings:\n${details.join('\n')}` };
}

/**
 * The settings the flags change, for the settings schema to validate. A value that is not of the
 * setting's type is passed on as typed, so the schema reports it with every other problem.
 */
export function settingsChange(args: ParsedArgs): JsonObject {
  const change: JsonObject = {};
  for (const f of SETTING_FLAGS) {
    const text = args.flags.get(f.flag);
    if (typeof text !== 'string') continue;
    change[f.setting] = valueOf(f.kind, text);
  }
  return change;
}

function valueOf(kind: FlagKind, text: string): JsonValue {
  switch (kind.type) {
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'number':
      return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    case 'choice':
    case 'text':
      return text;
  }
}
