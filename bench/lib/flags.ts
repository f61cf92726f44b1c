// The benches' `--<name>=<value>` flags.

/** What `--<name>=<value>` gives, undefined when absent. */
export function flagValue(flags: Set<string>, name: string): string | undefined {
  const prefix = `--${name}=`;
  return [...flags].find((flag) => flag.startsWith(prefix))?.slice(prefix.length);
}

/** The value of `--<name>=N` (a whole number of at least 1), the fallback when absent; an error in words when bad. */
export function countFlag(flags: Set<string>, name: string, fallback: number): number {
  const given = flagValue(flags, name);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}=${given}: expected a whole number of at least 1`);
  return value;
}

/** The parts `--only=a,b` names, undefined without the flag. */
export function onlyParts(flags: Set<string>): string[] | undefined {
  return flagValue(flags, 'only')
    ?.split(',')
    .filter((part) => part !== '');
}

/** Whether a bench measures `part`: the parts `--only=` names, or without it every part run `byDefault`. */
export function wantsPart(flags: Set<string>, part: string, byDefault = true): boolean {
  const only = onlyParts(flags);
  return only ? only.includes(part) : byDefault;
}
