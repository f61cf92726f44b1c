// Reading a saved zip back with yauzl, a reader independent of the service worker's writer.
import yauzl from 'yauzl';
import { sha256 } from './helpers';

/** Every entry of a zip file (read by yauzl, a reader independent of the writer) and the SHA-256 of its bytes. */
export function unzipHashes(path: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const found: Record<string, string> = {};
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (failed, stream) => {
          if (failed || !stream) return reject(failed);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            found[entry.fileName] = sha256(Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(found));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
