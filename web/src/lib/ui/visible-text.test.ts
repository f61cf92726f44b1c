import { describe, expect, it } from 'vitest';
import { visibleText } from './visible-text';

describe('visibleText', () => {
  it('leaves ordinary names as they are, right-to-left scripts included', () => {
    for (const text of ['Fotos de 2024.zip', 'año.txt', '日本語.mkv', 'שלום.mp4', 'مرحبا.webm', 'a b\u00a0c'])
      expect(visibleText(text)).toBe(text);
  });

  it('shows bidirectional overrides and isolates instead of obeying them', () => {
    expect(visibleText('invoice\u202etxt.exe')).toBe('invoice[U+202E]txt.exe');
    expect(visibleText('\u2066a\u2069\u200f')).toBe('[U+2066]a[U+2069][U+200F]');
  });

  it('shows control and zero-width characters', () => {
    expect(visibleText('a\u0000b\nc\u007f\u0085')).toBe('a[U+0000]b[U+000A]c[U+007F][U+0085]');
    expect(visibleText('zero\u200bwidth\ufeff')).toBe('zero[U+200B]width[U+FEFF]');
    expect(visibleText('\u3164\u{e0041}')).toBe('[U+3164][U+E0041]');
  });

  it('leaves no hidden character in any string', () => {
    // Every code point that is a control, a format character or a separator other than the space, across all planes.
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code < 0xe000) continue;
      const char = String.fromCodePoint(code);
      if (!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(char)) continue;
      expect(visibleText(`a${char}b`), `U+${code.toString(16)}`).toBe(
        `a[U+${code.toString(16).toUpperCase().padStart(4, '0')}]b`,
      );
    }
  });
});
