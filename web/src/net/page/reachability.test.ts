import { describe, expect, it } from 'vitest';
import { noRoute, ownRoutes, reachProblem, swarmOthers, type Attempt, type ReachInput } from './reachability';

const TURN = 'turn:127.0.0.1:3479?transport=udp';

function attempt(outcome: Attempt['outcome'], more: Partial<Attempt> = {}): Attempt {
  return { relayOnly: false, outcome, relayErrors: [], ...more };
}

function input(more: Partial<ReachInput>): ReachInput {
  return { connected: 0, relayOnly: false, relayUrls: [], attempts: [], ...more };
}

const HOST = 'a=candidate:1 1 udp 2122260223 192.168.1.5 54321 typ host generation 0';
const RELAY = 'a=candidate:2 1 udp 41885439 127.0.0.1 49170 typ relay raddr 0.0.0.0 rport 0 generation 0';

describe('our own routes', () => {
  it('counts the candidates of a description and the relay ones among them', () => {
    expect(ownRoutes(`v=0\r\n${HOST}\r\n${RELAY}\r\n`)).toEqual({ candidates: 2, relay: 1 });
    expect(ownRoutes(undefined)).toEqual({ candidates: 0, relay: 0 });
  });

  it('sees no route in a relay-only description without a relay candidate, or in one without any', () => {
    expect(noRoute('v=0\r\n', true)).toBe(true);
    expect(noRoute(`v=0\r\n${HOST}\r\n`, true)).toBe(true);
    expect(noRoute(`v=0\r\n${RELAY}\r\n`, true)).toBe(false);
    expect(noRoute(`v=0\r\n${HOST}\r\n`, false)).toBe(false);
    expect(noRoute('v=0\r\n', false)).toBe(true);
  });
});

describe('what the torrent says when no peer can be reached', () => {
  it('names the relay that gave no route, from its own error when it reported one', () => {
    const relayOnly = { relayOnly: true, relayUrls: [TURN] };
    expect(reachProblem(input({ ...relayOnly, attempts: [attempt('no-route', { relayOnly: true })] }))).toBe(
      `The relay server ${TURN} did not answer`,
    );
    const named = attempt('no-route', { relayOnly: true, relayErrors: ['turn:relay.example:3478'] });
    expect(reachProblem(input({ ...relayOnly, attempts: [named] }))).toBe(
      'The relay server turn:relay.example:3478 did not answer',
    );
    expect(
      reachProblem(input({ relayOnly: true, relayUrls: [TURN, 'turn:b:3478'], attempts: [named, named] })),
    ).toBe('The relay server turn:relay.example:3478 did not answer');
    expect(
      reachProblem(
        input({
          relayOnly: true,
          relayUrls: [TURN, 'turn:b:3478'],
          attempts: [attempt('no-route', { relayOnly: true })],
        }),
      ),
    ).toBe(`The relay servers ${TURN}, turn:b:3478 did not answer`);
  });

  it('says the relay did not answer even before the tracker counted anyone: no peer could reach us either', () => {
    expect(
      reachProblem(
        input({ relayOnly: true, relayUrls: [TURN], attempts: [attempt('no-route', { relayOnly: true })] }),
      ),
    ).toMatch(/^The relay server/);
  });

  it('counts the peers found, from the tracker or from those that answered, when none could be reached', () => {
    const failed = [attempt('failed', { remote: 'aa' }), attempt('failed', { remote: 'bb' })];
    expect(reachProblem(input({ attempts: failed }))).toBe('2 peers found, none could be reached');
    expect(reachProblem(input({ attempts: failed.slice(0, 1), swarmOthers: 3 }))).toBe(
      '3 peers found, none could be reached',
    );
    expect(
      reachProblem(
        input({ attempts: [attempt('failed', { remote: 'aa' }), attempt('failed', { remote: 'aa' })] }),
      ),
    ).toBe('1 peer found, it could not be reached');
  });

  it('says nothing while a connection is open, while attempts are pending, or when offers simply went unanswered', () => {
    const failed = [attempt('failed', { remote: 'aa' }), attempt('failed', { remote: 'bb' })];
    expect(reachProblem(input({ attempts: failed, connected: 1 }))).toBeUndefined();
    expect(
      reachProblem(
        input({ attempts: [attempt('pending'), attempt('pending', { remote: 'aa' })], swarmOthers: 2 }),
      ),
    ).toBeUndefined();
    expect(
      reachProblem(input({ attempts: [attempt('unanswered'), attempt('unanswered')], swarmOthers: 2 })),
    ).toBeUndefined();
    expect(reachProblem(input({ attempts: [] }))).toBeUndefined();
  });

  it('forgets relay failures once relay-only is off, and says so when no route at all could be offered', () => {
    const relayFailed = attempt('no-route', { relayOnly: true });
    expect(
      reachProblem(input({ relayOnly: false, relayUrls: [TURN], attempts: [relayFailed] })),
    ).toBeUndefined();
    expect(reachProblem(input({ attempts: [attempt('no-route')] }))).toMatch(/no network address/);
  });
});

describe('the swarm a tracker counts', () => {
  it('is its seeders and leechers less us, the largest over the trackers that said', () => {
    expect(swarmOthers([{ complete: 1, incomplete: 1 }, {}])).toBe(1);
    expect(
      swarmOthers([
        { complete: 2, incomplete: 1 },
        { complete: 0, incomplete: 1 },
      ]),
    ).toBe(2);
    expect(swarmOthers([{}])).toBeUndefined();
    expect(swarmOthers([{ complete: 0, incomplete: 0 }])).toBe(0);
  });
});
