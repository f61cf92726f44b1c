// A torrent's record and totals written through the writer's batches (with the pieces). Nothing is written for a
// torrent removed meanwhile: its storage is being deleted.
import { storageErrorReason } from '../../lib/storage/storage';
import type { BatchWriter } from '../storage/batch-writer';
import { recordEntry, type TorrentRecord } from '../storage/records';
import type { Totals } from './totals';

export interface RecordWritesPorts {
  writer: Pick<BatchWriter, 'put'>;
  removed(): boolean;
  fail(reason: string): void;
}

export class RecordWrites {
  constructor(
    private readonly record: TorrentRecord,
    private readonly totals: Pick<Totals, 'count' | 'write'>,
    private readonly ports: RecordWritesPorts,
  ) {}

  /** Writes the record with the totals in it; false when it was not written. `critical`: a failure fails the
   * torrent. */
  async persist(critical: boolean): Promise<boolean> {
    if (this.ports.removed()) return false;
    this.totals.count();
    const [key, value] = recordEntry(this.record);
    try {
      await this.ports.writer.put(key, value);
      return true;
    } catch (error) {
      if (critical) this.ports.fail(storageErrorReason(error));
      return false;
    }
  }

  /** Writes only the totals (a few bytes). */
  persistTotals(): void {
    if (!this.ports.removed()) void this.totals.write(this.ports.writer);
  }
}
