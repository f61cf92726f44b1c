// The values of the command line and the environment: where one was found, and the parsers that check them (each
// error names the flag or variable it came from).

/** An option's text and where it came from (`--flag` or the variable's name). */
export interface Given {
  text: string;
  source: string;
}

/** Finds an option by its flag, else its environment variable; null when neither is given. */
export type OptionSource = (flag: string, variable: string) => Given | null;

/** An option's value from the flags, else the environment (an empty variable counts as unset), else null. */
export function optionSource(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): OptionSource {
  return (flag, variable) => {
    const value = flags[flag];
    if (typeof value === 'string') return { text: value, source: `--${flag}` };
    const text = env[variable];
    return text !== undefined && text !== '' ? { text, source: variable } : null;
  };
}

export function parseLimit(text: string, source: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 1e12)
    throw new Error(`invalid limit ${JSON.stringify(text)} (${source}): a whole number of at least 1`);
  return value;
}

export function parseBoolean(text: string, source: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new Error(`invalid switch ${JSON.stringify(text)} (${source}): 1 or 0`);
}

export function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new Error(`invalid port ${JSON.stringify(text)} (${source})`);
  return port;
}

export function parseInterval(text: string, source: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new Error(`invalid interval ${JSON.stringify(text)} (${source}): seconds between 0 and 86400`);
  }
  return seconds;
}

export function parseIceServers(text: string, source: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`invalid ICE servers (${source}): not JSON`);
  }
  if (!Array.isArray(value)) throw new Error(`invalid ICE servers (${source}): not a JSON array`);
  value.forEach((server: unknown, i) => {
    const urls = (server as { urls?: unknown } | null)?.urls;
    const valid =
      typeof urls === 'string' || (Array.isArray(urls) && urls.every((url) => typeof url === 'string'));
    if (typeof server !== 'object' || server === null || !valid) {
      throw new Error(`invalid ICE servers (${source}): entry ${i} needs "urls" (a string or strings)`);
    }
  });
  return value;
}

export function parseRedisUrl(text: string, source: string): string {
  if (!/^rediss?:\/\//.test(text))
    throw new Error(`invalid Redis URL ${JSON.stringify(text)} (${source}): redis://host:port`);
  return text;
}
