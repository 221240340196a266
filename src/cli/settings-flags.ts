import { z } from 'zod';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { DEFAULT_SETTINGS, isSettingName, settingsSchema, type SettingName } from '../provisioning/tenants/tenant-settings.js';
import type { ParsedArgs } from './args.js';

/** How a flag's text becomes a setting's value. */
type FlagKind = { readonly type: 'list' } | { readonly type: 'boolean' } | { readonly type: 'number' } | { readonly type: 'choice'; readonly choices: readonly string[] } | { readonly type: 'text' };

/** One tenant setting as a `roster tenant settings` flag. */
export interface SettingFlag {
  readonly setting: SettingName;
  /** Without the leading `--`. */
  readonly flag: string;
  /** What the flag takes, for the usage line: `a|b`, `N`, `true|false`, `A,B`. */
  readonly takes: string;
  readonly description: string;
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

/** Every tenant setting as a flag, in the schema's order: a new setting is a new flag with no edit here. */
export const SETTING_FLAGS: readonly SettingFlag[] = Object.entries(settingsSchema.shape).flatMap(([setting, field]) => {
  if (!isSettingName(setting)) return [];
  const inner = field.unwrap();
  const kind = kindOf(inner);
  return [{
    setting,
    flag: FLAG_NAMES[setting] ?? kebab(setting),
    takes: kind.type === 'choice' ? kind.choices.join('|') : TAKES[kind.type],
    description: inner.description ?? '',
    kind,
  }];
});

/** The flags `roster tenant settings` owns, for the argument parser. */
export function settingFlagTable(): Record<string, 'value'> {
  return Object.fromEntries(SETTING_FLAGS.map((f) => [f.flag, 'value' as const]));
}

/** A default as typed on the command line. */
function shown(value: JsonValue | readonly string[]): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The flags' part of the usage: a synopsis line per few flags, then each flag with its description and default. */
export function settingFlagsHelp(): { synopsis: string; details: string } {
  const words = SETTING_FLAGS.map((f) => `[--${f.flag} ${f.takes}]`);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + word.length < 100) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  const details = SETTING_FLAGS.map((f) => `  --${f.flag} ${f.takes}\n      ${f.description} Default: ${shown(DEFAULT_SETTINGS[f.setting])}.`);
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
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'number':
      return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    case 'choice':
    case 'text':
      return text;
  }
}
