import { describe, expect, it } from 'vitest';
import { BENCHES } from '../benches';
import { helpText, RUNNER_FLAGS } from './help';

/** The lines of `bench`'s section of the help: from its heading to the next blank line. */
function sectionOf(help: string, name: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex(
    (line) => line.startsWith(`  ${name}`) && /^ {2}[a-z0-9-]+( \(|:)/.test(line),
  );
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('bench --help', () => {
  const help = helpText(BENCHES);

  it('lists every bench, and in its section every flag it declares with its description', () => {
    expect(BENCHES.length).toBeGreaterThan(0);
    for (const bench of BENCHES) {
      const section = sectionOf(help, bench.name);
      expect(section[0], bench.name).toContain(bench.figures);
      for (const [flag, what] of Object.entries(bench.flags ?? {}))
        expect(
          section.some((line) => line.trimStart().startsWith(`${flag} `) && line.endsWith(what)),
          `${bench.name} ${flag}`,
        ).toBe(true);
    }
  });

  it('lists in its section each part --only= can choose, with what it measures', () => {
    const withParts = BENCHES.filter((bench) => Object.keys(bench.parts ?? {}).length > 0);
    expect(withParts.length).toBeGreaterThan(0);
    for (const bench of withParts)
      for (const [part, what] of Object.entries(bench.parts ?? {}))
        expect(
          sectionOf(help, bench.name).some(
            (line) => line.trimStart().startsWith(`--only=${part} `) && line.endsWith(what),
          ),
          `${bench.name} ${part}`,
        ).toBe(true);
  });

  it("lists the runner's own flags", () => {
    for (const flag of Object.keys(RUNNER_FLAGS)) expect(help).toContain(`    ${flag}`);
  });

  it('declares each flag in the form --name or --name=<value>, with a description', () => {
    for (const bench of BENCHES)
      for (const [flag, what] of Object.entries(bench.flags ?? {})) {
        expect(flag, bench.name).toMatch(/^--[a-z0-9-]+(=[A-Z0-9,]+)?$/);
        expect(what.length, `${bench.name} ${flag}`).toBeGreaterThan(0);
      }
  });

  it('names each bench once', () => {
    const names = BENCHES.map((bench) => bench.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
