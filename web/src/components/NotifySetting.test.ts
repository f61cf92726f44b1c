// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import NotifySetting from './NotifySetting.svelte';

describe('NotifySetting', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('offers the setting where the browser notifies, and reports each change', async () => {
    vi.stubGlobal('Notification', class {});
    const user = userEvent.setup();
    const onchange = vi.fn();
    render(NotifySetting, { on: false, onchange });
    await user.click(screen.getByRole('checkbox', { name: 'Tell me when a download finishes' }));
    expect(onchange).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('offers nothing where the browser has no notifications', () => {
    vi.stubGlobal('Notification', undefined);
    render(NotifySetting, { on: false, onchange: vi.fn() });
    expect(screen.queryByRole('checkbox')).toBeNull();
  });
});
