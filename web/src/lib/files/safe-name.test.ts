import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeFileName } from './safe-name';

describe('safeFileName', () => {
  it('keeps ordinary names, Unicode included', () => {
    for (const name of ['report.pdf', 'Fotos de 2024.zip', 'año.txt', '日本語.mkv', '.bashrc'])
      expect(safeFileName(name)).toBe(name);
  });

  it('prefixes the names Windows reserves for devices, with or without an extension', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('Com1')).toBe('_Com1');
    expect(safeFileName('LPT9.log')).toBe('_LPT9.log');
    expect(safeFileName('console.log')).toBe('console.log');
  });

  it('replaces characters a file system refuses, and drops trailing dots and spaces', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h/i\\j.txt')).toBe('a_b_c_d_e_f_g_h_i_j.txt');
    expect(safeFileName('tab\there.txt')).toBe('tab_here.txt');
    expect(safeFileName('name. . ')).toBe('name');
    expect(safeFileName('...')).toBe('download');
    expect(safeFileName('')).toBe('download');
  });

  it('removes bidirectional controls and zero-width characters', () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE would show "invoice\u202Etxt.exe" as "invoiceexe.txt".
    expect(safeFileName('invoice\u202etxt.exe')).toBe('invoicetxt.exe');
    expect(safeFileName('zero\u200bwidth\ufeff.txt')).toBe('zerowidth.txt');
    expect(safeFileName('\u2066isolate\u2069.txt')).toBe('isolate.txt');
  });

  it('cuts a long name to 255 bytes and keeps its extension', () => {
    const long = safeFileName(`${'é'.repeat(300)}.mp4`);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(255);
    expect(long.endsWith('.mp4')).toBe(true);
  });

  it('always gives a name that is safe, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const safe = safeFileName(name);
        expect(safe.length).toBeGreaterThan(0);
        // eslint-disable-next-line no-control-regex -- control characters must be gone
        expect(safe).not.toMatch(/[<>:"/\\|?*\u0000-\u001f\u202a-\u202e\u200b-\u200f]/);
        expect(safe).not.toMatch(/[. ]$/);
        expect(safe).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
        expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(255);
      }),
      { numRuns: 500 },
    );
  });
});
