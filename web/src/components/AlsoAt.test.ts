// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import AlsoAt from './AlsoAt.svelte';

describe('AlsoAt', () => {
  it('is closed at first, and hands on the checked URLs, naming the lines that are not web addresses', async () => {
    const user = userEvent.setup();
    const onalsoat = vi.fn<(urls: string[]) => void>();
    render(AlsoAt, { encrypt: false, onalsoat });
    const summary = screen.getByText('Also at other servers');
    expect(summary.closest('details')!.open).toBe(false);
    await user.click(summary);
    await user.type(
      screen.getByLabelText('Also at (one web address a line)'),
      'https://a.example/x/{Enter}ftp://b',
    );
    expect(onalsoat).toHaveBeenLastCalledWith(['https://a.example/x/']);
    expect(screen.getByRole('alert').textContent).toContain('Not a web address to download from: ftp://b');
    expect(screen.queryByText(/the encrypted file/)).toBeNull();
  });

  it('says an encrypted share needs the encrypted file on the server', async () => {
    render(AlsoAt, { encrypt: true, onalsoat: vi.fn() });
    expect(screen.getByText(/the server must hold the encrypted file/)).toBeTruthy();
  });
});
