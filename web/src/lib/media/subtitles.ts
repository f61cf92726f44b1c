// A video's text tracks from the subtitle files of its torrent (`.srt`, `.vtt`): each becomes a `<track>` of the
// player, selectable in its captions menu, the one named like the video shown first. The files are read through the
// service worker like any file (it waits for their pieces), converted to WebVTT here when they are SRT (srt.ts), and
// handed to the track as a Blob of type text/vtt (Firefox reads only that type; a served `.srt` has none).
import { srtToVtt } from './srt';

export interface SubtitleFile {
  index: number;
  path: string;
  /** The language from the name (`film.en.srt`, `film.pt-BR.vtt`), if it says one. */
  srclang?: string;
  /** SRT, converted to WebVTT when read. */
  srt: boolean;
}

const SUBTITLE = /\.(srt|vtt)$/i;
const LANGUAGE = /\.([a-z]{2,3}(?:-[a-z]{2,4})?)\.(?:srt|vtt)$/i;

const stem = (path: string) => (path.split('/').pop() ?? path).replace(/\.[^.]*$/, '').toLowerCase();

/** The subtitle files of a torrent for the video at `videoPath`: those named like the video first, then by path.
 * Only files that can be read: complete, or chosen (a file left out is never fetched). */
export function subtitlesFor(
  videoPath: string,
  files: readonly { index: number; path: string; complete: boolean; chosen: boolean }[],
): SubtitleFile[] {
  const video = stem(videoPath);
  const matches = (path: string) => stem(path).startsWith(video);
  return files
    .filter((file) => SUBTITLE.test(file.path) && (file.complete || file.chosen))
    .sort((a, b) => Number(matches(b.path)) - Number(matches(a.path)) || a.path.localeCompare(b.path))
    .map((file) => ({
      index: file.index,
      path: file.path,
      srclang: LANGUAGE.exec(file.path)?.[1],
      srt: /\.srt$/i.test(file.path),
    }));
}

/** A subtitle file's text as WebVTT. */
export function asVtt(file: Pick<SubtitleFile, 'srt'>, text: string): string {
  return file.srt ? srtToVtt(text) : text.replace(/^\uFEFF/, '');
}

/** What the tracks need of the page: the element to make, and where each file is read from. */
export interface TrackSource {
  createTrack(): HTMLTrackElement;
  urlOf(file: SubtitleFile): string;
  fetch(url: string): Promise<Response>;
}

/**
 * Adds a track per subtitle file to `media`, the first shown by default; each track's cues load once its file is
 * read. The tracks' Blob URLs are freed when the player closes (stopPlayer empties it: `emptied`), or by the
 * release returned.
 */
export function addSubtitleTracks(
  media: HTMLMediaElement,
  subtitles: readonly SubtitleFile[],
  label: (file: SubtitleFile) => string,
  source: TrackSource,
): () => void {
  const urls: string[] = [];
  let released = false;
  subtitles.forEach((file, i) => {
    const track = source.createTrack();
    track.kind = 'subtitles';
    track.label = label(file);
    if (file.srclang) track.srclang = file.srclang;
    track.default = i === 0;
    media.append(track);
    void (async () => {
      const response = await source.fetch(source.urlOf(file));
      if (!response.ok) return;
      const vtt = asVtt(file, await response.text());
      if (released) return;
      const url = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
      urls.push(url);
      track.src = url;
    })().catch(() => undefined);
  });
  const release = () => {
    released = true;
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  };
  if (subtitles.length > 0) media.addEventListener('emptied', release, { once: true });
  return release;
}
