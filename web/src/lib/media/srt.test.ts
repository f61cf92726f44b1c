import { describe, expect, it } from 'vitest';
import { srtToVtt } from './srt';

describe('srtToVtt', () => {
  it('converts cues, times with dots, and drops the cue numbers', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\nlines\n';
    expect(srtToVtt(srt)).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello\n\n00:00:03.000 --> 00:00:04.000\nTwo\nlines\n',
    );
  });

  it('reads a BOM, CRLF and CR line ends, and no blank line at the end', () => {
    const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nA\r\n\r\n2\r00:00:03,000 --> 00:00:04,000\rB';
    expect(srtToVtt(srt)).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n\n00:00:03.000 --> 00:00:04.000\nB\n',
    );
  });

  it('pads short hours and milliseconds, and drops coordinates', () => {
    expect(srtToVtt('1\n0:00:01,5 --> 0:00:02,25  X1:10 X2:20 Y1:5 Y2:6\nA\n')).toBe(
      'WEBVTT\n\n00:00:01.500 --> 00:00:02.250\nA\n',
    );
  });

  it('keeps b, i and u, drops other tags and ASS codes, and escapes & and a stray <', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<font color="#ff0000"><I>Tom & Jerry</I></font> <3\n';
    expect(srtToVtt(srt)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i>Tom &amp; Jerry</i> &lt;3\n');
  });

  it('keeps entities, and never lets an arrow in text start a cue', () => {
    expect(srtToVtt('1\n00:00:01,000 --> 00:00:02,000\nA &amp; B\n')).toContain('A &amp; B');
    expect(srtToVtt('1\n00:00:01,000 --> 00:00:02,000\nsee --> there\n')).toContain('see --&gt; there');
  });

  it('splits cues with no blank line between them, and treats lines of spaces as blank', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n  \n3\n00:00:05,000 --> 00:00:06,000\nC';
    expect(srtToVtt(srt)).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n\n00:00:03.000 --> 00:00:04.000\nB\n\n00:00:05.000 --> 00:00:06.000\nC\n',
    );
  });

  it('skips blocks without a valid time line', () => {
    expect(srtToVtt('garbage\n\n1\nnot --> a time\nA\n\n2\n00:00:01,000 --> 00:00:02,000\nB\n')).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nB\n',
    );
  });
});
