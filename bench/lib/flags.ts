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
