import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONTROLS_AFTER_MS,
  PLACE_AFTER_MS,
  PLAYER_EVENTS,
  startPlayer,
  stopPlayer,
  whenLoading,
  type PlayerKind,
} from './player';

/** A media element's fake: it records what was set on it and in which order, and fires its listeners on demand. */
class FakeMedia {
  readonly steps: string[] = [];
  readonly listeners = new Map<string, Set<() => void>>();
  readonly attributes = new Map<string, string>();
  readonly children: Array<{ kind: string }> = [];
  controls = false;
  currentTime = 0;
  autoplay = false;
  preload = '';
  private source = '';
  plays = 0;
  playResult: () => Promise<void> = () => Promise.resolve();
  readonly ownerDocument = { createElement: () => ({ kind: '' }) };
  constructor(readonly kind: PlayerKind) {}
  get src() {
    return this.source;
  }
  set src(value: string) {
    this.source = value;
    // The load algorithm starts here: everything the player needs must already be set.
    this.steps.push(
      `src ${value} (controls ${this.controls}, preload ${this.preload}, autoplay ${this.autoplay})`,
    );
  }
  play() {
    this.plays++;
    return this.playResult();
  }
  pause() {
    this.steps.push('pause');
  }
  load() {
    this.steps.push(`load ${this.attributes.has('src') ? 'with' : 'without'} a source`);
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
    if (name === 'src') this.source = '';
    this.steps.push(`remove ${name}`);
  }
  addEventListener(type: string, listener: () => void, options?: { once?: boolean }) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    const listeners = this.listeners.get(type)!;
    const once = () => {
      listeners.delete(once);
      listener();
    };
    listeners.add(options?.once ? once : listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  append(child: { kind: string }) {
    this.children.push(child);
  }
  remove() {
    this.steps.push('removed');
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

const start = (kind: PlayerKind) =>
  startPlayer((k) => new FakeMedia(k) as never, kind, '/files/ab/0/clip.webm', 'clip.webm');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startPlayer', () => {
  it('makes the player and sets its source last, so the load starts with autoplay and preload set', () => {
    const media = start('video') as unknown as FakeMedia;
    expect(media.kind).toBe('video');
    expect(media.steps).toEqual(['src /files/ab/0/clip.webm (controls false, preload auto, autoplay true)']);
    expect(media.attributes.get('aria-label')).toBe('clip.webm');
    expect(media.children.map((c) => c.kind)).toEqual(['captions']);
  });

  it('shows the controls once its time moves past the first frame, not at the first frame itself', () => {
    const media = start('video') as unknown as FakeMedia;
    media.fire('loadstart');
    media.fire('loadedmetadata');
    media.fire('loadeddata');
    media.fire('playing');
    media.fire('timeupdate');
    expect(media.controls).toBe(false);
    media.currentTime = 0.02;
    media.fire('timeupdate');
    expect(media.controls).toBe(true);
    expect(media.listeners.get('timeupdate')?.size ?? 0).toBe(0);
  });

  it('shows the controls of a player that fails, at once', () => {
    const media = start('video') as unknown as FakeMedia;
    media.fire('error');
    expect(media.controls).toBe(true);
  });

  it('shows the controls after CONTROLS_AFTER_MS of a player without a frame, and not before', () => {
    const media = start('audio') as unknown as FakeMedia;
    vi.advanceTimersByTime(CONTROLS_AFTER_MS - 1);
    expect(media.controls).toBe(false);
    vi.advanceTimersByTime(1);
    expect(media.controls).toBe(true);
  });

  it('gives an audio player no captions track', () => {
    const media = start('audio') as unknown as FakeMedia;
    expect(media.kind).toBe('audio');
    expect(media.children).toEqual([]);
  });

  it('asks the player to play each time it starts loading a source, not before', () => {
    const media = start('video') as unknown as FakeMedia;
    expect(media.plays).toBe(0);
    media.fire('loadstart');
    expect(media.plays).toBe(1);
    media.fire('loadstart');
    expect(media.plays).toBe(2);
  });

  it('shows the controls at once when it may not play (to play from), and swallows the refusal', async () => {
    const media = start('video') as unknown as FakeMedia;
    const refused = Promise.reject(new DOMException('not allowed', 'NotAllowedError'));
    media.playResult = () => refused;
    media.fire('loadstart');
    // No unhandled rejection: the promise the player gave has a handler.
    await vi.advanceTimersByTimeAsync(0);
    await expect(refused).rejects.toThrow('not allowed');
    expect(media.controls).toBe(true);
  });

  it('names each event the engine follows a playhead by', () => {
    expect([...PLAYER_EVENTS].sort()).toEqual(
      [
        'durationchange',
        'loadedmetadata',
        'pause',
        'playing',
        'seeked',
        'seeking',
        'timeupdate',
        'waiting',
      ].sort(),
    );
  });
});

describe('stopPlayer', () => {
  it('pauses, drops the source and reloads empty (the request is let go), then leaves the page', () => {
    const media = start('video') as unknown as FakeMedia;
    media.steps.length = 0;
    media.attributes.set('src', '/files/ab/0/clip.webm');
    stopPlayer(media as never);
    expect(media.steps).toEqual(['pause', 'remove src', 'load without a source', 'removed']);
    expect(media.src).toBe('');
  });
});

describe('whenLoading (a started player is placed once its load has begun)', () => {
  it('places it at loadstart, once, and not again at an error or after the fallback', () => {
    const media = new FakeMedia('video');
    const place = vi.fn();
    whenLoading(media as never, place);
    expect(place).not.toHaveBeenCalled();
    media.fire('loadstart');
    expect(place).toHaveBeenCalledTimes(1);
    media.fire('error');
    vi.advanceTimersByTime(PLACE_AFTER_MS * 2);
    expect(place).toHaveBeenCalledTimes(1);
    expect(media.listeners.get('loadstart')?.size ?? 0).toBe(0);
    expect(media.listeners.get('error')?.size ?? 0).toBe(0);
  });

  it('places it at an error before any loadstart, or after PLACE_AFTER_MS when neither comes', () => {
    const failed = new FakeMedia('audio');
    const placeFailed = vi.fn();
    whenLoading(failed as never, placeFailed);
    failed.fire('error');
    expect(placeFailed).toHaveBeenCalledTimes(1);
    const silent = new FakeMedia('video');
    const placeSilent = vi.fn();
    whenLoading(silent as never, placeSilent);
    vi.advanceTimersByTime(PLACE_AFTER_MS - 1);
    expect(placeSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(placeSilent).toHaveBeenCalledTimes(1);
  });

  it('never places it once cancelled (the player was closed or replaced first)', () => {
    const media = new FakeMedia('video');
    const place = vi.fn();
    const cancel = whenLoading(media as never, place);
    cancel();
    media.fire('loadstart');
    media.fire('error');
    vi.advanceTimersByTime(PLACE_AFTER_MS * 2);
    expect(place).not.toHaveBeenCalled();
  });
});
