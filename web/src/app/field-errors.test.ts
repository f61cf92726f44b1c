import { describe, expect, it } from 'vitest';
import { afterSuccess, forListed, withError, type FieldErrors } from './field-errors';

describe('the messages under the fields', () => {
  it('keep only the latest per field', () => {
    let errors: FieldErrors = {};
    errors = withError(errors, 'magnet', 'Invalid magnet link or info hash: first');
    errors = withError(errors, 'magnet', 'Invalid magnet link or info hash: second');
    expect(errors.magnet).toBe('Invalid magnet link or info hash: second');
    expect(withError(errors, 'magnet', undefined).magnet).toBeUndefined();
  });

  it('drop a general message about a torrent once that torrent is gone, and keep the others', () => {
    const about = withError({}, 'general', 'Could not save “a.bin”: gone', 'aa'.repeat(20));
    expect(forListed(about, ['aa'.repeat(20)])).toBe(about);
    expect(forListed(about, [])).toEqual({});
    const unrelated = withError({ magnet: 'bad' }, 'general', 'The engine stopped');
    expect(forListed(unrelated, [])).toEqual(unrelated);
    // A newer general message not about a torrent forgets the torrent of the older one.
    expect(withError(about, 'general', 'The engine stopped').generalAbout).toBeUndefined();
  });

  it('after a share or download that worked keep only a refused upload limit', () => {
    const errors: FieldErrors = {
      magnet: 'bad',
      share: 'empty',
      general: 'x',
      uploadLimit: 'Upload limit: …',
    };
    expect(afterSuccess(errors)).toEqual({ uploadLimit: 'Upload limit: …' });
    expect(afterSuccess({ magnet: 'bad' })).toEqual({});
  });
});
