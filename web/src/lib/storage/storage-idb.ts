// The IndexedDB adapter of KeyValueStore, through idb-keyval (kept thin: the logic lives behind the interface).
import { createStore, delMany, getMany, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import { StorageUnavailableError, type KeyValueStore, type StoredValue } from './storage';

export class IdbStore implements KeyValueStore {
  private readonly store: UseStore;

  constructor(dbName = 'swarmdrop', storeName = 'kv') {
    if (typeof indexedDB === 'undefined')
      throw new StorageUnavailableError('storage unavailable: no IndexedDB');
    this.store = createStore(dbName, storeName);
  }

  /** Opens the database once; rejects with StorageUnavailableError when it cannot be opened (private mode). */
  async open(): Promise<void> {
    try {
      await this.store('readonly', (store) => promisifyRequest(store.count()));
    } catch (error) {
      const reason = error instanceof Error ? error.message || error.name : String(error);
      throw new StorageUnavailableError(`storage unavailable: ${reason}`);
    }
  }

  getMany(keys: string[]): Promise<Array<StoredValue | undefined>> {
    return getMany<StoredValue>(keys, this.store);
  }

  setMany(entries: Array<[string, StoredValue]>): Promise<void> {
    return setMany(entries, this.store);
  }

  delMany(keys: string[]): Promise<void> {
    return delMany(keys, this.store);
  }

  keys(prefix: string): Promise<string[]> {
    const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
    return this.store('readonly', (store) => promisifyRequest(store.getAllKeys(range))) as Promise<string[]>;
  }
}
