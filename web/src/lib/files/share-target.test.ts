import { describe, expect, it } from 'vitest';
import { sharedFromForm } from './share-target';

describe('sharedFromForm', () => {
  it('takes every file of the form and the encryption choice', () => {
    const form = new FormData();
    form.append('files', new File(['a'], 'a.txt'));
    form.append('files', new File(['bb'], 'b.bin'));
    form.append('text', 'a note');
    form.append('encrypt', '1');
    const shared = sharedFromForm(form)!;
    expect(shared.files.map((file) => file.name)).toEqual(['a.txt', 'b.bin']);
    expect(shared.encrypt).toBe(true);
  });

  it('leaves the choice to the app when the form does not say, and refuses a share without files', () => {
    const form = new FormData();
    form.append('files', new File(['a'], 'a.txt'));
    form.append('encrypt', 'yes');
    expect(sharedFromForm(form)?.encrypt).toBeUndefined();
    const text = new FormData();
    text.append('text', 'only words');
    expect(sharedFromForm(text)).toBeNull();
  });
});
