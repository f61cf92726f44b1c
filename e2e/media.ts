// Media files as people have them, made with ffmpeg at test time with its default muxing: MP4 with its `moov` index
// at the end, fragmented MP4, WebM and Matroska with their cues after the clusters, and audio (MP3, Ogg/Opus, FLAC,
// M4A). Used by the containers e2e tests and the `streams` benchmark. Each is encoded once per machine, kept under
// the hash of its ffmpeg arguments and ffmpeg's version (shared/testing/made-once.ts), and copied where a test asks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { madeOnce } from '../shared/testing/made-once';

export const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';

let version: string | undefined;
/** ffmpeg's version line: another build may encode the same arguments into other bytes. */
function ffmpegVersion(): string {
  version ??= execFileSync(FFMPEG, ['-version'], { encoding: 'utf8' }).split('\n')[0];
  return version;
}

/** Runs ffmpeg with `args` then the output path (once per machine for the same `recipe`, by default the arguments),
 * and puts a copy of what it wrote at `dir`/`name`: a test may rename or change its copy. */
function ffmpegOnce(args: string[], dir: string, name: string, recipe = args): string {
  const made = madeOnce({
    recipe: [ffmpegVersion(), ...recipe],
    extension: extname(name).slice(1),
    make: (path) => void execFileSync(FFMPEG, [...args, path]),
  });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  copyFileSync(made, path);
  return path;
}

export type VideoContainer = 'mp4' | 'fmp4' | 'webm' | 'mkv';
export type AudioFormat = 'mp3' | 'opus' | 'flac' | 'm4a';

export interface VideoOptions {
  /** Seconds of video. */
  seconds: number;
  /** Video bitrate, bits per second. */
  bitrate: number;
  /** Frame size, e.g. '1280x720'. */
  size?: string;
  /** Film grain on every frame: the encoder needs its whole bitrate, as for a camera's video. */
  grain?: boolean;
}

/** The file name each container gets (its extension is what the app types it by). */
export const VIDEO_NAMES: Record<VideoContainer, string> = {
  mp4: 'moov-at-end.mp4',
  fmp4: 'fragmented.mp4',
  webm: 'cues-at-end.webm',
  mkv: 'cues-at-end.mkv',
};

/**
 * The codecs of each container (H.264 and AAC in MP4 and Matroska, VP9 and Opus in WebM: Debian's Chromium and
 * Firefox ESR play them all) and ffmpeg's default muxing; the encoders at their fastest settings.
 */
function videoCodecs(container: VideoContainer, bitrate: number): string[] {
  const rate = [`-b:v`, String(bitrate), '-maxrate', String(bitrate), '-bufsize', String(bitrate)];
  // Fast encoders; a keyframe every second but where said (players seek to keyframes).
  const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', ...rate, '-pix_fmt', 'yuv420p'];
  const vp9 = [
    '-c:v',
    'libvpx-vp9',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-row-mt',
    '1',
    '-g',
    '30',
    ...rate,
  ];
  switch (container) {
    case 'mp4':
      return [...h264, '-g', '30', '-c:a', 'aac', '-b:a', '128k'];
    case 'fmp4':
      // A fragment per keyframe, at x264's default interval (250 frames): Chromium reads every fragment's header
      // before it plays (one range read each), as it would a recording's.
      return [...h264, '-c:a', 'aac', '-b:a', '128k', '-movflags', 'frag_keyframe+empty_moov'];
    case 'webm':
      return [...vp9, '-c:a', 'libopus', '-b:a', '128k'];
    case 'mkv':
      return [...h264, '-g', '30', '-c:a', 'aac', '-b:a', '128k'];
  }
}

/** A moving test pattern with a tone, muxed as ffmpeg does by default; returns its path in `dir`. */
export function makeVideo(dir: string, container: VideoContainer, options: VideoOptions): string {
  const args = [
    ...['-y', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '640x360'}:rate=30`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(options.seconds)],
    ...(options.grain ? ['-vf', 'noise=alls=12:allf=t+u'] : []),
    ...videoCodecs(container, options.bitrate),
  ];
  return ffmpegOnce(args, dir, VIDEO_NAMES[container]);
}

/**
 * The same video and sound in an MP4, streams copied: its path in `dir`. By default `moov` at the end, as ffmpeg
 * writes it; `fragmented`: a `moof` fragment per keyframe after an empty `moov` (`-movflags frag_keyframe+empty_moov`,
 * as some phones and streaming tools write).
 */
export function remuxToMp4(source: string, dir: string, name = 'remuxed.mp4', fragmented = false): string {
  const flags = fragmented ? ['-movflags', 'frag_keyframe+empty_moov'] : [];
  // The source by its bytes: another file at the same path is another remux.
  const content = createHash('sha256').update(readFileSync(source)).digest('hex');
  const args = ['-y', '-loglevel', 'error', '-i', source, '-c', 'copy', ...flags];
  return ffmpegOnce(args, dir, name, [content, ...args.filter((arg) => arg !== source)]);
}

const AUDIO_CODECS: Record<AudioFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '320k'],
  opus: ['-c:a', 'libopus', '-b:a', '160k'],
  flac: ['-c:a', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '256k'],
};

/** `seconds` of a chord, in `format` with ffmpeg's defaults (M4A: its `moov` at the end); its path in `dir`. */
export function makeAudio(
  dir: string,
  format: AudioFormat,
  seconds: number,
  name = `tone.${format}`,
): string {
  const args = [
    ...['-y', '-loglevel', 'error'],
    // Two tones and some noise: a lossless codec cannot squeeze it to nothing.
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100`],
    ...['-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.2:sample_rate=44100`],
    ...['-filter_complex', 'amix=inputs=2', '-ac', '2', '-t', String(seconds)],
    ...AUDIO_CODECS[format],
  ];
  return ffmpegOnce(args, dir, name);
}

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The top-level boxes of an MP4 file, in order (type and offset). */
export function mp4Boxes(path: string): Array<{ type: string; offset: number }> {
  const size = statSync(path).size;
  const boxes: Array<{ type: string; offset: number }> = [];
  for (let at = 0; at + 8 <= size;) {
    const header = readAt(path, at, 16);
    let length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (length === 1) length = Number(header.readBigUInt64BE(8));
    else if (length === 0) length = size - at;
    if (length < 8) throw new Error(`bad box ${type} at ${at} in ${path}`);
    boxes.push({ type, offset: at });
    at += length;
  }
  return boxes;
}

/** The Matroska IDs of the Cues element and of a Cluster. */
const CUES_ID = [0x1c, 0x53, 0xbb, 0x6b];
const CLUSTER_ID = [0x1f, 0x43, 0xb6, 0x75];

/** Whether the Matroska/WebM file's cues (its seek index) come after its first cluster, as ffmpeg writes them. */
export function cuesAtEnd(path: string): boolean {
  const bytes = readAt(path, 0, statSync(path).size);
  const cluster = bytes.indexOf(Buffer.from(CLUSTER_ID));
  // The SeekHead names the Cues' ID too: the element itself is the last occurrence.
  const cues = bytes.lastIndexOf(Buffer.from(CUES_ID));
  return cluster >= 0 && cues > cluster;
}
