// Command-line and form options for experiments: `--name value` pairs applied onto an experiment's parameters, with
// the type of each parameter taken from its default (number, number list, string, boolean).

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options[arg.slice(2)] = argv[++i];
      else options[arg.slice(2)] = true;
    } else positional.push(arg);
  }
  return { positional, options };
}

/** "64k" = 65536, "2m" = 2 MiB, "1.5" = 1.5. */
export function parseNumber(text: string): number {
  const match = /^(-?\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text.trim());
  if (!match) throw new Error(`not a number: "${text}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

export function applyOptions<P extends object>(defaults: P, options: Record<string, string | true>): P {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in out)) throw new Error(`unknown parameter --${key}; known: ${Object.keys(out).join(', ')}`);
    const current = out[key];
    if (typeof current === 'boolean') out[key] = value === true || value === 'true' || value === '1';
    else if (value === true) throw new Error(`--${key} needs a value`);
    else if (typeof current === 'number') out[key] = parseNumber(value);
    else if (Array.isArray(current)) {
      const items = value.split(',').filter((s) => s.trim() !== '');
      out[key] = typeof current[0] === 'string' ? items.map((s) => s.trim()) : items.map(parseNumber);
    } else out[key] = value;
  }
  return out as P;
}
