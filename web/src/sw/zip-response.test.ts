import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { zipNames, zipResponse, type ZipEntry } from './zip-response';

/** Each entry of a zip (as yauzl reads it, a reader independent of the writer) with its bytes. */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const found = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (failed, stream) => {
          if (failed || !stream) return reject(failed);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(found));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A file whose stream comes in chunks of 1000 bytes, counting how many times it was opened. */
function entry(path: string[], bytes: Uint8Array, opened: string[] = []): ZipEntry {
  return {
    path,
    length: bytes.length,
    open: async () => {
      opened.push(path.join('/'));
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, (at += 1000)));
        },
      });
    },
  };
}

const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7919 + (i >> 8)) & 255);

describe('zipResponse', () => {
  it('streams a zip that unzips to the same bytes, stored, with its exact length', async () => {
    const a = random(12_345);
    const b = random(70_001);
    const response = await zipResponse('album', [
      entry(['cd1', 'a.bin'], a),
      entry(['b.bin'], b),
      entry(['empty.txt'], new Uint8Array(0)),
    ]);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''album.zip");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(Number(response.headers.get('content-length')));
    const files = await unzip(bytes);
    expect([...files.keys()]).toEqual(['cd1/a.bin', 'b.bin', 'empty.txt']);
    expect(files.get('cd1/a.bin')!.equals(a)).toBe(true);
    expect(files.get('b.bin')!.equals(b)).toBe(true);
    expect(files.get('empty.txt')!.length).toBe(0);
    // Stored: the archive is the files plus headers, nothing recompressed.
    expect(bytes.length).toBeLessThan(a.length + b.length + 1000);
  });

  it('opens each file only when the zip reaches it', async () => {
    const opened: string[] = [];
    const response = await zipResponse('x', [
      entry(['a'], random(100_000), opened),
      entry(['b'], random(10), opened),
    ]);
    const reader = response.body!.getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    // Into the first file's bytes, and the second not asked for yet.
    expect(opened).toEqual(['a']);
    // Cancelled as a browser cancels a download (client-zip throws the reason into its generator).
    await reader.cancel(new Error('cancelled')).catch(() => undefined);
  });

  it('makes names safe and apart from each other', async () => {
    expect(
      await zipNames([
        ['d', 'a?.txt'],
        ['d', 'a*.txt'],
        ['..', 'x'],
      ]),
    ).toEqual(['d/a_.txt', 'd/a_ (2).txt', 'download/x']);
  });
});
