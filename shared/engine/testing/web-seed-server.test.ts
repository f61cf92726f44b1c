import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../contract/engine-types';
import { Network } from './network';
import { CHUNK_BYTES, RESPONSE_HEADER_BYTES, SimWebSeedServer } from './web-seed-server';

const KiB = 1024;

function setup(missingFiles?: Set<number>) {
  const network = new Network({ latencyMs: 0 });
  const data = Uint8Array.from({ length: 100 * KiB }, (_, i) => i % 251);
  const files = [
    { path: ['a'], length: 60 * KiB, offset: 0 },
    { path: ['b'], length: 40 * KiB, offset: 60 * KiB },
  ];
  const server = new SimWebSeedServer(
    network,
    { files, data },
    { url: 'https://files.example.org/', upload: 100 * KiB, latencyMs: 10, missingFiles },
  );
  const client = { host: network.addHost({ upload: 1e9, download: Infinity, latencyMs: 10 }), name: 'peer' };
  const events: Array<EngineEvent & { at: number }> = [];
  const emit = (event: EngineEvent) => events.push({ ...event, at: network.now });
  const fetch = (request: number, file: number, start: number, end: number, whole?: boolean) =>
    server.fetch(
      client,
      {
        type: 'webseed-fetch',
        request,
        seed: server.url,
        url: `${server.url}${file}`,
        file,
        start,
        end,
        whole,
      },
      emit,
    );
  return { network, data, server, client, events, fetch };
}

const bodies = (events: EngineEvent[]) =>
  events.flatMap((event) => (event.type === 'webseed-data' ? [...event.data] : []));

describe('SimWebSeedServer', () => {
  it("answers a range of a file with the torrent's bytes, in chunks, then an end, after the round trip and the upload", () => {
    const { network, data, server, events, fetch } = setup();
    fetch(1, 1, 4 * KiB, 36 * KiB);
    network.runUntil(60_000);
    expect(bodies(events)).toEqual([...data.subarray(64 * KiB, 96 * KiB)]);
    expect(events.filter((event) => event.type === 'webseed-data')).toHaveLength((32 * KiB) / CHUNK_BYTES);
    expect(events.at(-1)!.type).toBe('webseed-end');
    // The request crosses both access links, the answer too, and leaves the server's uplink at 100 KiB/s.
    const sending = ((RESPONSE_HEADER_BYTES + 32 * KiB) * 1000) / (100 * KiB);
    expect(events.at(-1)!.at).toBeGreaterThanOrEqual(40 + sending);
    expect(server.bytesServed).toBe(32 * KiB);
    expect(server.servedTo.get('peer')).toBe(32 * KiB);
    expect(server.requests).toEqual([{ client: 'peer', file: 1, start: 4 * KiB, end: 36 * KiB }]);
  });

  it('sends a whole file when asked without a range', () => {
    const { network, data, events, fetch } = setup();
    fetch(1, 0, 0, 0, true);
    network.runUntil(60_000);
    expect(bodies(events)).toEqual([...data.subarray(0, 60 * KiB)]);
  });

  it('a file it lacks is a 404; an aborted answer stops, and nothing more arrives', () => {
    const { network, server, client, events, fetch } = setup(new Set([0]));
    fetch(1, 0, 0, 16 * KiB);
    fetch(2, 1, 0, 40 * KiB);
    network.runUntil(100);
    server.abort(client, 2);
    network.runUntil(60_000);
    expect(events.find((event) => event.type === 'webseed-failed')).toMatchObject({
      request: 1,
      status: 404,
    });
    expect(events.some((event) => event.type === 'webseed-end')).toBe(false);
    expect(server.bytesServed).toBeLessThan(40 * KiB);
  });
});
