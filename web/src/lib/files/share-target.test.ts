import { describe, expect, it, vi } from 'vitest';
import {
  keepShared,
  MAX_SHARED_BYTES,
  MAX_SHARED_FILES,
  SHARED_LIFETIME_MS,
  sharedFromForm,
  sharedOverSize,
  shareRequestAllowed,
  takeShared,
} from './share-target';

// IndexedDB, as idb-keyval uses it, in memory.
vi.mock('idb-keyval', () => {
  const stored = new Map<string, unknown>();
  return {
    createStore: () => 'store',
    get: async (key: string) => stored.get(key),
    set: async (key: string, value: unknown) => void stored.set(key, value),
    del: async (key: string) => void stored.delete(key),
  };
});

const NOW = 1_700_000_000_000;
const formOf = (entries: [string, string | File][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};
/** A form whose files claim `size` bytes each: no test allocates gigabytes. */
const formOfSizes = (sizes: number[]) => {
  const files = sizes.map((size, index) =>
    Object.defineProperty(new File([], `f${index}.bin`), 'size', { value: size }),
  );
  return {
    keys: () => files.map(() => 'files')[Symbol.iterator](),
    getAll: () => files,
  } as unknown as FormData;
};
const APP = 'https://app.example';
const request = (mode: string, site?: string, referrer = '') => ({
  mode,
  referrer,
  headers: new Headers(site ? { 'Sec-Fetch-Site': site } : {}),
});

describe('shareRequestAllowed', () => {
  it('takes a navigation from the share sheet, the app itself, or a browser that does not say', () => {
    expect(shareRequestAllowed(request('navigate', 'none'), APP)).toBe(true);
    expect(shareRequestAllowed(request('navigate', 'same-origin', `${APP}/`), APP)).toBe(true);
    expect(shareRequestAllowed(request('navigate'), APP)).toBe(true);
  });

  it('refuses another site’s form and any request that is no navigation', () => {
    expect(shareRequestAllowed(request('navigate', undefined, 'https://evil.example/'), APP)).toBe(false);
    expect(shareRequestAllowed(request('navigate', undefined, 'https://sub.app.example/'), APP)).toBe(false);
    expect(shareRequestAllowed(request('navigate', 'cross-site'), APP)).toBe(false);
    expect(shareRequestAllowed(request('navigate', 'same-site'), APP)).toBe(false);
    expect(shareRequestAllowed(request('cors', 'same-origin', `${APP}/`), APP)).toBe(false);
    expect(shareRequestAllowed(request('no-cors', 'none'), APP)).toBe(false);
  });
});

describe('sharedFromForm', () => {
  it('takes every file of the form, with when it arrived', () => {
    const form = formOf([
      ['files', new File(['a'], 'a.txt')],
      ['files', new File(['bb'], 'b.bin')],
      ['title', 'a title'],
      ['text', 'a note'],
      ['url', 'https://example.org/'],
    ]);
    const shared = sharedFromForm(form, NOW)!;
    expect(shared.files.map((file) => file.name)).toEqual(['a.txt', 'b.bin']);
    expect(shared.at).toBe(NOW);
    expect(shared.refused).toBeUndefined();
  });

  it('refuses a form with a field the manifest does not name, such as an encryption choice', () => {
    const form = formOf([
      ['files', new File(['a'], 'a.txt')],
      ['encrypt', '0'],
    ]);
    expect(sharedFromForm(form, NOW)).toBeNull();
  });

  it('refuses a share without files', () => {
    expect(sharedFromForm(formOf([['text', 'only words']]), NOW)).toBeNull();
  });

  it(`holds no file of a share of more than ${MAX_SHARED_FILES} files, and says so`, () => {
    expect(sharedFromForm(formOfSizes(new Array(MAX_SHARED_FILES).fill(1)), NOW)?.files).toHaveLength(
      MAX_SHARED_FILES,
    );
    const over = sharedFromForm(formOfSizes(new Array(MAX_SHARED_FILES + 1).fill(1)), NOW)!;
    expect(over.files).toEqual([]);
    expect(over.refused).toBe('101 files were shared: at most 100 at once.');
  });

  it('holds no file of a share larger than 4 GiB in all, and says so', () => {
    expect(
      sharedFromForm(formOfSizes([MAX_SHARED_BYTES / 2, MAX_SHARED_BYTES / 2]), NOW)?.files,
    ).toHaveLength(2);
    const over = sharedFromForm(formOfSizes([MAX_SHARED_BYTES / 2, MAX_SHARED_BYTES / 2 + 1]), NOW)!;
    expect(over.files).toEqual([]);
    expect(over.refused).toMatch(/larger than 4 GiB/);
  });
});

describe('sharedOverSize', () => {
  it('refuses a body longer than 4 GiB and its form, before reading it, and leaves the rest to the form', () => {
    expect(sharedOverSize(String(MAX_SHARED_BYTES + 200_000), NOW)).toMatchObject({
      files: [],
      refused: expect.stringMatching(/larger than 4 GiB/),
    });
    expect(sharedOverSize(String(MAX_SHARED_BYTES), NOW)).toBeNull();
    expect(sharedOverSize(null, NOW)).toBeNull();
  });
});

describe('takeShared', () => {
  const file = new File(['a'], 'a.txt');

  it('hands the held share to the page once', async () => {
    await keepShared({ files: [file], at: NOW });
    expect((await takeShared(NOW + 1000))?.files).toEqual([file]);
    expect(await takeShared(NOW + 1000)).toBeUndefined();
  });

  it('drops a share held longer than its lifetime, or one with no time', async () => {
    await keepShared({ files: [file], at: NOW });
    expect(await takeShared(NOW + SHARED_LIFETIME_MS + 1)).toBeUndefined();
    expect(await takeShared(NOW)).toBeUndefined();
    await keepShared({ files: [file] } as never);
    expect(await takeShared(NOW)).toBeUndefined();
  });
});
