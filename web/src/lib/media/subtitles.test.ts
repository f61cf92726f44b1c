// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { addSubtitleTracks, asVtt, subtitlesFor } from './subtitles';
import { until } from '../../../../shared/testing/until';

const file = (index: number, path: string, complete = true, chosen = true) => ({
  index,
  path,
  complete,
  chosen,
});

describe('subtitlesFor', () => {
  it('takes the .srt and .vtt files, those named like the video first, with their language', () => {
    const files = [
      file(0, 'film/other.srt'),
      file(1, 'film/Movie.mp4'),
      file(2, 'film/movie.en.srt'),
      file(3, 'film/movie.pt-BR.VTT'),
      file(4, 'film/notes.txt'),
    ];
    expect(subtitlesFor('film/Movie.mp4', files)).toEqual([
      { index: 2, path: 'film/movie.en.srt', srclang: 'en', srt: true },
      { index: 3, path: 'film/movie.pt-BR.VTT', srclang: 'pt-BR', srt: false },
      { index: 0, path: 'film/other.srt', srclang: undefined, srt: true },
    ]);
  });

  it('leaves out a file that is neither complete nor chosen', () => {
    expect(subtitlesFor('a.mp4', [file(0, 'a.srt', false, false), file(1, 'b.srt', false, true)])).toEqual([
      { index: 1, path: 'b.srt', srclang: undefined, srt: true },
    ]);
  });
});

describe('asVtt', () => {
  it('converts SRT and takes WebVTT as it is, without its BOM', () => {
    expect(asVtt({ srt: true }, '1\n00:00:01,000 --> 00:00:02,000\nA\n')).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n',
    );
    expect(asVtt({ srt: false }, '\uFEFFWEBVTT\n')).toBe('WEBVTT\n');
  });
});

describe('addSubtitleTracks', () => {
  it('adds a labelled track per file, the first by default, each with its WebVTT as a Blob', async () => {
    const media = document.createElement('video');
    const subtitles = subtitlesFor('a.mp4', [file(0, 'a.en.srt'), file(1, 'b.vtt')]);
    const release = addSubtitleTracks(media, subtitles, (f) => f.path, {
      createTrack: () => document.createElement('track'),
      urlOf: (f) => `/files/${f.index}`,
      fetch: async (url) =>
        new Response(url.endsWith('0') ? '1\n00:00:01,000 --> 00:00:02,000\nA\n' : 'WEBVTT\n'),
    });
    const tracks = [...media.querySelectorAll('track')];
    expect(tracks.map((t) => [t.kind, t.label, t.srclang, t.default])).toEqual([
      ['subtitles', 'a.en.srt', 'en', true],
      ['subtitles', 'b.vtt', '', false],
    ]);
    await until(() => tracks.every((t) => t.src.startsWith('blob:')), { what: 'the tracks’ sources' });
    release();
  });
});
