// The one-writer rule in the repo's ESLint config: each writer of a peer's parts and of the verified pieces is refused
// in every product file but the ones the table allows, through any chain (`this.peer.wire`, `parts.verified?.`,
// `peer!.upload`), and the table names writers that exist.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../shared/codec/bitfield';
import { PeerState } from '../shared/engine/peer/peer';
import { UploadQueue } from '../shared/engine/peer/upload-queue';
import { VerifiedPieces } from '../shared/engine/verify/verified-pieces';

const root = join(import.meta.dirname, '..');
const RULE = 'swarmdrop/part-writers';

/** The table the repo's config gives the rule for product code. */
async function configuredWriters(): Promise<Record<string, string[]>> {
  const config = await new ESLint({ cwd: root }).calculateConfigForFile(join(root, 'shared/engine/probe.ts'));
  return config.rules[RULE][1].writers;
}
const writers = await configuredWriters();

/** The writers the rule refuses in `code` linted as `file`, in order. */
async function refused(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => /^'([^']+)'/.exec(m.message)![1]);
}

/** One use of each writer in the table, the way the engine writes it. */
function usesOfAll(): string {
  const lines = Object.keys(writers).map((writer) => {
    const [part, member] = writer.replace(/ =$/, '').split('.');
    return writer.endsWith(' =') ? `  peer.${part}.${member} = 1;` : `  peer.${part}.${member}(1);`;
  });
  return `export function write(peer: any): void {\n${lines.join('\n')}\n}\n`;
}

describe('swarmdrop/part-writers', () => {
  it('refuses every writer in a product file that owns none of them', async () => {
    expect(await refused(usesOfAll(), 'shared/engine/session/probe.ts')).toEqual(Object.keys(writers));
    expect(await refused(usesOfAll(), 'web/src/worker/probe.ts')).toEqual(Object.keys(writers));
  });

  it('lets each owner use its own writers, and only those', async () => {
    const owners = [...new Set(Object.values(writers).flat())];
    expect(owners.length).toBeGreaterThan(5);
    for (const owner of owners) {
      const others = Object.keys(writers).filter((writer) => !writers[writer].includes(owner));
      expect(await refused(usesOfAll(), owner)).toEqual(others);
    }
  });

  it('sees a writer through any chain: this, optional, non-null, a local name, an update', async () => {
    const code = [
      'export class Probe {',
      '  constructor(private readonly parts: any, private readonly peer: any) {}',
      '  run(have: any): void {',
      '    this.parts.verified?.add(1);',
      '    this.peer!.wire.accept(1);',
      '    have.set(2);',
      '    this.peer.upload.share += 1;',
      '    this.peer.upload.share++;',
      '    this.peer.choke?.setChoking(true, 0);',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(await refused(code, 'lab/probe.ts')).toEqual([
      'verified.add',
      'wire.accept',
      'have.set',
      'upload.share =',
      'upload.share =',
      'choke.setChoking',
    ]);
  });

  it('leaves reads, other members, tests and testing helpers alone', async () => {
    const reads =
      'export const f = (peer: any) => [peer.wire.peerId, peer.upload.share, peer.verified.get(1)];\n';
    expect(await refused(reads, 'shared/engine/session/probe.ts')).toEqual([]);
    expect(await refused(usesOfAll(), 'shared/engine/session/probe.test.ts')).toEqual([]);
    expect(await refused(usesOfAll(), 'shared/engine/testing/probe.ts')).toEqual([]);
  });

  it('names writers that exist on the parts they belong to', () => {
    const peer = new PeerState('p#1', 0, 0, new UploadQueue(undefined, 0));
    const parts: Record<string, object> = {
      wire: peer.wire,
      choke: peer.choke,
      download: peer.download,
      pending: peer.pending,
      upload: peer.upload,
      verified: new VerifiedPieces({ pieceCount: 1, pieceLength: 1, length: 1 }),
      bitfield: new Bitfield(1),
      have: new Bitfield(1),
      stored: new Bitfield(1),
    };
    const missing = Object.keys(writers).filter((writer) => {
      const [part, member] = writer.replace(/ =$/, '').split('.');
      const target = parts[part] as Record<string, unknown> | undefined;
      if (!target || !(member in target)) return true;
      return !writer.endsWith(' =') && typeof target[member] !== 'function';
    });
    expect(missing).toEqual([]);
  });
});
