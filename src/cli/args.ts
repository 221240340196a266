/** Positional arguments and `--flags` of one command line; config flags are passed through. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  /** Flags the command does not own, for the configuration loader. */
  readonly passthrough: string[];
}

/** Splits argv; `owned` names the flags the command reads itself (those without a value are booleans). */
export function parseArgs(argv: readonly string[], owned: Record<string, 'boolean' | 'value'>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const passthrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag.slice(2);
    const kind = owned[name];
    if (kind === 'boolean') flags.set(name, true);
    else if (kind === 'value') flags.set(name, inline ?? argv[++i] ?? '');
    else {
      passthrough.push(arg);
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('--')) passthrough.push(argv[++i] ?? '');
    }
  }
  return { positional, flags, passthrough };
}
