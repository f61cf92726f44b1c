import { describe, expect, it } from 'vitest';
import { torrentView } from '../components/testing/views';
import { listedNote, listedTorrent, newestFirst, newShareInProgress } from './spotlight';

describe('spotlight', () => {
  it('finds a listed torrent by its info hash, in either case, and never by an empty one', () => {
    const view = torrentView();
    expect(listedTorrent([view], view.infoHashHex.toUpperCase())).toBe(view);
    expect(listedTorrent([view], '')).toBeUndefined();
    expect(listedTorrent([view], 'cd'.repeat(20))).toBeUndefined();
  });
  it('says one is already shared when it seeds or is being prepared, else that its download is listed', () => {
    expect(listedNote(torrentView({ state: 'seeding' }))).toMatch(/already sharing/);
    expect(listedNote(torrentView({ hashing: 0.2 }))).toMatch(/already sharing/);
    expect(listedNote(torrentView())).toMatch(/Already in your list/);
  });
  it('lists the newest first', () => {
    const old = torrentView({ name: 'old', addedAt: 1 });
    const young = torrentView({ name: 'young', addedAt: 2 });
    expect(newestFirst([old, young]).map((view) => view.name)).toEqual(['young', 'old']);
  });
  it('finds the share a sender just started among a new list, and nothing else', () => {
    const listed = torrentView({ name: 'old' });
    const started = torrentView({ infoHashHex: 'hashing-7', name: 'new', hashing: 0 });
    expect(newShareInProgress([listed], [started, listed])).toBe('hashing-7');
    expect(newShareInProgress([listed, started], [started, listed])).toBeUndefined();
    expect(newShareInProgress([], [listed])).toBeUndefined();
  });
});
