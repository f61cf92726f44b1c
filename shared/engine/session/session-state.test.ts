// The session's state and what each change does to the peers, with a recording downloader and choke rounds.
import { describe, expect, it } from 'vitest';
import type { EngineAction } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { PeerState } from '../peer/peer';
import type { ChokeRounds } from '../upload/choke-rounds';
import { activeState, SessionStates } from './session-state';

/** What the fakes were asked, in order. */
type Call = string;

function setup(options: { complete?: boolean; wantedComplete?: boolean; withDownloader?: boolean } = {}) {
  const calls: Call[] = [];
  const actions: EngineAction[] = [];
  const verified = { complete: options.complete ?? false };
  const downloader = {
    verified,
    wantedComplete: options.wantedComplete ?? false,
    dropPiece: () => calls.push('drop'),
    refillSoon: () => calls.push('refill'),
    updateInterest: (peer: PeerState) => calls.push(`interest ${peer.key}`),
    releasePeer: (peer: PeerState) => calls.push(`release ${peer.key}`),
  } as unknown as Downloader;
  const chokes = {
    setChoke: (peer: PeerState, choke: boolean) => calls.push(`choke ${peer.key} ${choke}`),
    roundSoon: () => calls.push('round'),
  } as unknown as ChokeRounds;
  const peers = [
    { key: 'a', handshaken: true },
    { key: 'b', handshaken: false },
  ] as PeerState[];
  const states = new SessionStates({
    peers: () => peers,
    downloader: () => ((options.withDownloader ?? true) ? downloader : undefined),
    chokes,
    act: (action) => actions.push(action),
    now: () => 1000,
  });
  return { states, downloader, verified, calls, actions };
}

describe('SessionStates', () => {
  it('fetches the metadata first, then downloads, or seeds what is all here', () => {
    const t = setup();
    expect(t.states.state).toBe('fetching-metadata');
    t.states.infoKnown(t.downloader);
    expect(t.states.state).toBe('downloading');
    const done = setup({ wantedComplete: true });
    done.states.infoKnown(done.downloader);
    expect(done.states.state).toBe('seeding');
    expect(activeState(setup({ complete: true }).downloader)).toBe('seeding');
  });

  it('fails once: an error action, our interest updated and every peer released', () => {
    const t = setup();
    t.states.infoKnown(t.downloader);
    t.states.fail('disk full');
    t.states.fail('again');
    expect(t.states.state).toBe('error');
    expect(t.states.errorReason).toBe('disk full');
    expect(t.actions).toEqual([{ type: 'error', reason: 'disk full' }]);
    expect(t.calls).toEqual(['interest a', 'release a', 'release b']);
    t.states.infoKnown(t.downloader);
    expect(t.states.state).toBe('error');
  });

  it('pauses by choking and releasing the handshaken peers, and resumes where it was', () => {
    const t = setup();
    t.states.infoKnown(t.downloader);
    t.states.pause();
    expect(t.states.state).toBe('paused');
    expect(t.calls).toEqual(['choke a true', 'interest a', 'release a']);
    t.calls.length = 0;
    t.states.resume();
    expect(t.states.state).toBe('downloading');
    expect(t.calls).toEqual(['interest a', 'round', 'refill']);
    const early = setup({ withDownloader: false });
    early.states.pause();
    early.states.resume();
    expect(early.states.state).toBe('fetching-metadata');
  });

  it('becomes a seeder with a completed announce, and follows the wanted pieces both ways', () => {
    const t = setup();
    t.states.infoKnown(t.downloader);
    (t.downloader as { wantedComplete: boolean }).wantedComplete = true;
    t.states.followWanted();
    expect(t.states.state).toBe('seeding');
    expect(t.calls).toEqual(['drop', 'interest a']);
    (t.downloader as { wantedComplete: boolean }).wantedComplete = false;
    t.calls.length = 0;
    t.states.followWanted();
    expect(t.states.state).toBe('downloading');
    expect(t.calls).toEqual(['refill', 'interest a']);
    t.calls.length = 0;
    t.states.becomeSeeder();
    expect(t.states.state).toBe('seeding');
    expect(t.actions).toEqual([{ type: 'announce', event: 'completed' }, { type: 'complete' }]);
    expect(t.calls).toEqual(['drop', 'interest a']);
  });

  it('stays stopped', () => {
    const t = setup();
    t.states.stopped();
    expect(t.states.state).toBe('stopped');
    t.states.resume();
    expect(t.states.state).toBe('stopped');
  });
});
