import { parseArgs as parseNodeArgs } from 'node:util';
import { SETTINGS } from '../config/config.js';

/** Positional arguments and `--flags` of one command line; config flags are passed through. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  /** Settings given as flags (`--database-url X`), for the configuration loader. */
  readonly passthrough: string[];
}

/** A command line the command cannot run: exit 2, with the message and a pointer to `--help`. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` explains it (`tenant delete`), or '' for roster itself. */
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` was asked for: the text goes to stdout and the exit code is 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help');
    this.name = 'HelpRequested';
  }
}

/** Every setting as a flag, in kebab case (DATABASE_URL → database-url). */
export const CONFIG_FLAGS: readonly string[] = SETTINGS.map((s) => s.env.toLowerCase().replace(/_/g, '-'));

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `known` to `typed`, when it is close enough to be what was meant. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the word, at least one and at most three edits: "tenat" → "tenant", not "x" → "serve".
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** " (did you mean X?)" or nothing. */
export function didYouMean(typed: string, known: readonly string[], prefix = ''): string {
  const guess = closest(typed, known);
  return guess === undefined ? '' : `; did you mean ${prefix}${guess}?`;
}

/**
 * Parses one command's arguments with `node:util` parseArgs (strict): `owned` names the flags the
 * command reads itself (`value` flags take one), settings may be given as flags too, and anything
 * else is a UsageError naming the nearest flag. `--help`/`-h` anywhere throws HelpRequested with
 * `usage`. `--json` where the command does not own it is an error saying so, not silently ignored.
 */
export function parseArgs(
  argv: readonly string[],
  owned: Record<string, 'boolean' | 'value'>,
  usage: string,
  command: string,
  options: { noJson?: string } = {},
): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  if (!('json' in owned) && argv.some((a) => a === '--json' || a.startsWith('--json='))) {
    throw new UsageError(`--json has no meaning for \`roster ${command}\`${options.noJson ? `: ${options.noJson}` : ''}`, command);
  }
  const declared: Record<string, { type: 'boolean' | 'string' }> = {};
  for (const flag of CONFIG_FLAGS) declared[flag] = { type: 'string' };
  for (const [flag, kind] of Object.entries(owned)) declared[flag] = { type: kind === 'boolean' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseNodeArgs({ args: [...argv], options: declared, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explainParseError(error, Object.keys(owned)), command);
  }
  const flags = new Map<string, string | true>();
  const passthrough: string[] = [];
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined || value === false) continue;
    if (name in owned) flags.set(name, value === true ? true : String(value));
    else passthrough.push(`--${name}`, String(value));
  }
  return { positional: parsed.positionals, flags, passthrough };
}

function explainParseError(error: unknown, owned: readonly string[]): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = /'([^']+)'/.exec(message)?.[1] ?? '';
    const bare = typed.replace(/^-+/, '').split('=')[0] ?? '';
    // The command's own flags first: a near miss of --json is meant more often than of a setting.
    const hint = didYouMean(bare, owned, '--') || didYouMean(bare, [...CONFIG_FLAGS, 'help'], '--');
    return `unknown option ${typed}${hint}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(--?[^' <]+)/.exec(message)?.[1] ?? 'an option';
    if (/does not take an argument/.test(message)) return `${flag} is a switch and takes no value`;
    if (/ambiguous/.test(message)) return `${flag} needs a value; one starting with "-" is written ${flag}=-value`;
    return `${flag} needs a value`;
  }
  return message;
}

/**
 * The answer to an unknown or missing subcommand: "roster tenant delte: unknown subcommand; did
 * you mean delete?". Always throws.
 */
export function unknownAction(command: string, action: string | undefined, known: readonly string[]): never {
  if (action === undefined) throw new UsageError(`\`roster ${command}\` needs a subcommand: ${known.join(', ')}`, command);
  throw new UsageError(`unknown subcommand \`${command} ${action}\`${didYouMean(action, known)}`, command);
}

/** A required positional argument or flag is missing. Always throws. */
export function missing(command: string, what: string): never {
  throw new UsageError(`\`roster ${command}\` needs ${what}`, command);
}

/** Refuses positional arguments beyond those a command takes (a stray word is usually a typo). */
export function noExtra(command: string, positional: readonly string[], takes: number): void {
  if (positional.length > takes) throw new UsageError(`unexpected argument "${positional[takes]}" for \`roster ${command}\``, command);
}

/** One subcommand: its usage line(s), the flags it owns, and what it does. */
export interface Subcommand {
  readonly usage: string;
  readonly flags: Record<string, 'boolean' | 'value'>;
  /** More than the usage line(s), for this subcommand's own `--help` only (the command's overview stays short). */
  readonly details?: string;
  /** Why `--json` has no meaning here, for subcommands that print nothing worth structuring. */
  readonly noJson?: string;
  run(args: ParsedArgs): Promise<number>;
}

/**
 * Runs `roster <command> <subcommand> …`: `--help` on the command prints every subcommand's
 * usage, on a subcommand its own; a mistyped subcommand gets "did you mean".
 */
export function dispatch(command: string, summary: string, table: Record<string, Subcommand>, argv: readonly string[]): Promise<number> {
  const names = Object.keys(table);
  const overview = `${summary}\n\n${names.map((n) => table[n]!.usage).join('\n')}\n\nEach subcommand takes --help.`;
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    if (action === undefined) throw new UsageError(`\`roster ${command}\` needs a subcommand: ${names.join(', ')}`, command);
    throw new HelpRequested(overview);
  }
  const sub = Object.hasOwn(table, action) ? table[action] : undefined;
  if (!sub) {
    if (action.startsWith('-')) {
      if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(overview);
      throw new UsageError(`\`roster ${command}\` needs a subcommand (${names.join(', ')}) before ${action}`, command);
    }
    unknownAction(command, action, names);
  }
  const usage = sub.details === undefined ? sub.usage : `${sub.usage}\n\n${sub.details}`;
  const args = parseArgs(rest, sub.flags, usage, `${command} ${action}`, sub.noJson === undefined ? {} : { noJson: sub.noJson });
  return sub.run(args);
}
