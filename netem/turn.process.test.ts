// coturn inside an emulated node: it answers on the node's address from another node, through the emulated links,
// runs inside its node's namespace, and leaves neither process nor folder behind when stopped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from './emulator';
import { emulatorUnavailable } from './namespaces';
import { startPath } from './path';
import { exited, readyInNode, TCP_READY } from './probe';
import { startTurn, turnUnavailable, type EmulatedTurn } from './turn';

const unavailable = emulatorUnavailable() ?? turnUnavailable();
const title = unavailable
  ? `coturn in an emulated node (skipped: ${unavailable})`
  : 'coturn in an emulated node';

function pidsIn(netns: string): number[] {
  return execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);
}

describe.skipIf(unavailable !== undefined)(title, () => {
  let emulator: Emulator | undefined;
  let turn: EmulatedTurn | undefined;

  afterEach(async () => {
    await turn?.stop();
    await emulator?.stop();
    turn = undefined;
    emulator = undefined;
  });

  it('is reached from a peer node through the links, lives in its own node, and is gone once stopped', async () => {
    emulator = await startPath({ rttMs: 20 }, ['peer'], { core: ['turn'] });
    turn = await startTurn(emulator, 'turn', 'test-secret', 3479);
    const { address, netns } = emulator.node('turn');
    expect(turn.url).toBe(`turn:${address}:3479?transport=udp`);
    expect(pidsIn(netns)).toContain(turn.pid);
    const before = await emulator.stats();
    // From the peer's namespace, the relay's TCP port accepts a connection, and the packets crossed the relay's node.
    const peerProbe = emulator.spawnIn('peer', 'sleep', ['60'], { stdio: 'ignore' });
    expect(await readyInNode(emulator, 'peer', peerProbe, TCP_READY, [address, '3479'])).toBe(true);
    peerProbe.kill('SIGKILL');
    await exited(peerProbe);
    const after = await emulator.stats();
    expect(after.nodes.turn.down.packets).toBeGreaterThan(before.nodes.turn.down.packets);
    expect(existsSync(turn.dir)).toBe(true);
    await turn.stop();
    expect(turn.process.exitCode !== null || turn.process.signalCode !== null).toBe(true);
    expect(pidsIn(netns)).not.toContain(turn.pid);
    expect(existsSync(turn.dir)).toBe(false);
  });
});
