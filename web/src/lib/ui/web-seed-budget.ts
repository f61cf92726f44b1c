// `Most to fetch from web servers`: the field's text in MiB as a byte budget, and a budget as the field shows it.

const MIB = 1024 * 1024;
/** The most a field may name (1 PiB): beyond, a number is a typing slip, not a budget. */
const MAX_MIB = 1024 * 1024 * 1024;

/** The budget the text names: bytes, null for no limit (an empty field), undefined when it is not a size. */
export function budgetFromText(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(trimmed)) return undefined;
  const mib = Number(trimmed);
  if (!Number.isFinite(mib) || mib > MAX_MIB) return undefined;
  return Math.floor(mib * MIB);
}

/** A budget as the field shows it, in MiB with at most two decimals; empty for no limit. */
export function budgetText(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  return String(Math.round((bytes / MIB) * 100) / 100);
}
