// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TorrentView } from '../../lib/messages/protocol';
import { INFO_HASH, torrentActions, torrentView } from '../testing/views';
import FileList from './FileList.svelte';

type FileEntry = TorrentView['files'][number];
const file = (index: number, path: string, complete = false, chosen = true): FileEntry => ({
  index,
  path,
  length: 1024,
  complete,
  chosen,
});
const album = (files: FileEntry[], overrides: Partial<TorrentView> = {}) =>
  torrentView({ name: 'album', files, ...overrides });

const props = (torrent: TorrentView, more: { streams?: boolean; canSaveToFolder?: boolean } = {}) => ({
  torrent,
  streams: false,
  canSaveToFolder: false,
  actions: torrentActions(),
  ...more,
});

describe('FileList', () => {
  it('lists each file with its size, and Save once it is complete', async () => {
    const user = userEvent.setup();
    const torrent = album([file(0, 'cd1/a.flac', true), file(1, 'cd1/b.flac')]);
    const { actions } = props(torrent);
    render(FileList, { ...props(torrent), actions });
    expect(screen.getByRole('list', { name: 'Files' }).children).toHaveLength(2);
    expect(screen.getAllByText('1.00 KiB')).toHaveLength(2);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save cd1/b.flac' }).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Save cd1/a.flac' }));
    expect(actions.saveFile).toHaveBeenCalledExactlyOnceWith(torrent, 0);
  });

  it('has a Download checkbox per file of a torrent of several files, which sends the choice', async () => {
    const user = userEvent.setup();
    const torrent = album([
      file(0, 'a.txt', true),
      file(1, 'b.txt', false, true),
      file(2, 'c.txt', false, false),
    ]);
    const { actions } = props(torrent);
    render(FileList, { ...props(torrent), actions });
    const boxes = ['a.txt', 'b.txt', 'c.txt'].map((path) =>
      screen.getByRole<HTMLInputElement>('checkbox', { name: `Download ${path}` }),
    );
    expect(boxes.map((box) => [box.checked, box.disabled])).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    await user.click(boxes[1]);
    expect(actions.chooseFile).toHaveBeenCalledExactlyOnceWith(torrent, 1, false);
    expect(screen.getAllByRole('listitem').map((item) => item.dataset.chosen)).toEqual([
      'true',
      'true',
      'false',
    ]);
  });

  it('has no checkbox for a lone file, nor for a private share (fetched whole)', () => {
    const { unmount } = render(FileList, props(album([file(0, 'a.txt')])));
    expect(screen.queryByRole('checkbox')).toBeNull();
    unmount();
    render(FileList, props(album([file(0, 'a.txt'), file(1, 'b.txt')], { shareKey: 'A'.repeat(42) + 'E' })));
    expect(screen.queryByRole('checkbox')).toBeNull();
  });

  it('offers Save all to a folder where the browser can, once every file is complete', async () => {
    const user = userEvent.setup();
    const { rerender } = render(FileList, props(album([file(0, 'a.txt', true), file(1, 'b.txt')])));
    expect(screen.queryByRole('button', { name: 'Save all to a folder' })).toBeNull();
    const done = props(album([file(0, 'a.txt', true), file(1, 'b.txt', true)]), { canSaveToFolder: true });
    await rerender(done);
    await user.click(screen.getByRole('button', { name: 'Save all to a folder' }));
    expect(done.actions.saveAllToFolder).toHaveBeenCalledExactlyOnceWith(done.torrent);
    await rerender(props(album([file(0, 'a.txt', true), file(1, 'b.txt')]), { canSaveToFolder: true }));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save all to a folder' }).disabled).toBe(
      true,
    );
  });

  it('offers no Save all beside the one Save of a one-file torrent', () => {
    render(FileList, props(album([file(0, 'a.txt', true)]), { canSaveToFolder: true }));
    expect(screen.getByRole('button', { name: 'Save a.txt' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Save all/ })).toBeNull();
  });

  it('saves all the chosen files once they are complete, with a file unchecked', async () => {
    const user = userEvent.setup();
    const chosen = props(album([file(0, 'a.txt', true), file(1, 'b.txt', false, false)]), {
      canSaveToFolder: true,
    });
    render(FileList, chosen);
    await user.click(screen.getByRole('button', { name: 'Save all to a folder' }));
    expect(chosen.actions.saveAllToFolder).toHaveBeenCalledExactlyOnceWith(chosen.torrent);
  });

  it('offers Save all as .zip where the browser has no folder picker and the service worker streams', async () => {
    const user = userEvent.setup();
    const files = album([file(0, 'a.txt', true), file(1, 'b.txt', true)]);
    const { rerender } = render(FileList, props(files));
    expect(screen.queryByRole('button', { name: 'Save all as .zip' })).toBeNull();
    const streaming = props(files, { streams: true });
    await rerender(streaming);
    await user.click(screen.getByRole('button', { name: 'Save all as .zip' }));
    expect(streaming.actions.saveAllAsZip).toHaveBeenCalledExactlyOnceWith(files);
    await rerender(props(album([file(0, 'a.txt', true)]), { streams: true }));
    expect(screen.queryByRole('button', { name: 'Save all as .zip' })).toBeNull();
  });

  it('opens an image in the page, served by the service worker, and closes it', async () => {
    const user = userEvent.setup();
    render(
      FileList,
      props(album([file(0, 'pics/a.png', true), file(1, 'notes.txt', true)]), { streams: true }),
    );
    expect(screen.queryByRole('button', { name: 'Open notes.txt' })).toBeNull();
    const open = screen.getByRole('button', { name: 'Open pics/a.png' });
    await user.click(open);
    expect(open.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('img', { name: 'pics/a.png' }).getAttribute('src')).toBe(
      `/files/${INFO_HASH}/0/a.png`,
    );
    await user.click(open);
    expect(screen.queryByRole('img')).toBeNull();
  });

  describe('Play', () => {
    /** The media elements the component makes (the browser's own probes of what it plays included). */
    let made: HTMLMediaElement[];
    beforeEach(() => {
      made = [];
      vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockImplementation((type) =>
        type === 'video/mp4' || type === 'audio/mpeg' ? 'maybe' : '',
      );
      const create = document.createElement.bind(document);
      vi.spyOn(document, 'createElement').mockImplementation(
        (tag: string, options?: ElementCreationOptions) => {
          const element = create(tag, options);
          if (element instanceof HTMLMediaElement) made.push(element);
          return element;
        },
      );
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    const files = [file(0, 'film.mp4'), file(1, 'song.mp3', true), file(2, 'notes.txt')];

    it('is offered for the files the browser plays, when the service worker streams', async () => {
      const { rerender } = render(FileList, props(album(files)));
      expect(screen.queryByRole('button', { name: /^Play/ })).toBeNull();
      await rerender(props(album(files), { streams: true }));
      const play = screen
        .getAllByRole('button', { name: /^Play/ })
        .map((button) => button.getAttribute('aria-label'));
      expect(play).toEqual(['Play film.mp4', 'Play song.mp3']);
    });

    it('starts a player of the file, placed once its load has begun, and reports its moves', async () => {
      const user = userEvent.setup();
      const setup = props(album(files), { streams: true });
      render(FileList, setup);
      const button = screen.getByRole('button', { name: 'Play film.mp4' });
      await user.click(button);
      expect(setup.actions.playStarting).toHaveBeenCalledExactlyOnceWith(setup.torrent, 0);
      const media = made.at(-1)!;
      expect(media.tagName).toBe('VIDEO');
      expect(media.getAttribute('src')).toBe(`/files/${INFO_HASH}/0/film.mp4`);
      expect(media.isConnected).toBe(false);

      media.dispatchEvent(new Event('loadstart'));
      await vi.waitFor(() => expect(screen.getByLabelText('film.mp4')).toBe(media));
      expect(button.getAttribute('aria-pressed')).toBe('true');
      expect(setup.actions.playback).toHaveBeenLastCalledWith(setup.torrent, 0, media);
      media.dispatchEvent(new Event('seeking'));
      expect(setup.actions.playback).toHaveBeenCalledTimes(2);

      await user.click(button);
      expect(media.isConnected).toBe(false);
      expect(button.getAttribute('aria-pressed')).toBe('false');
      expect(setup.actions.playback).toHaveBeenLastCalledWith(setup.torrent, 0, null);
    });

    it('plays a complete file without asking the engine for its start, and one player at a time', async () => {
      const user = userEvent.setup();
      const setup = props(album(files), { streams: true });
      render(FileList, setup);
      await user.click(screen.getByRole('button', { name: 'Play film.mp4' }));
      const film = made.at(-1)!;
      film.dispatchEvent(new Event('loadstart'));
      await vi.waitFor(() => expect(film.isConnected).toBe(true));

      await user.click(screen.getByRole('button', { name: 'Play song.mp3' }));
      expect(setup.actions.playStarting).toHaveBeenCalledTimes(1);
      expect(film.isConnected).toBe(false);
      const song = made.at(-1)!;
      expect(song.tagName).toBe('AUDIO');
      song.dispatchEvent(new Event('loadstart'));
      await vi.waitFor(() => expect(screen.getByLabelText('song.mp3')).toBe(song));
      expect(setup.actions.playback).toHaveBeenCalledWith(setup.torrent, 0, null);
      expect(setup.actions.playback).toHaveBeenLastCalledWith(setup.torrent, 1, song);
    });
  });
});
