// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SpeedChart from './SpeedChart.svelte';

describe('SpeedChart', () => {
  it('draws both rates over time, scaled to the peak, and says the latest and the peak', () => {
    const { container } = render(SpeedChart, {
      samples: [
        { t: 0, down: 0, up: 1024 },
        { t: 500, down: 4096, up: 0 },
        { t: 1000, down: 2048, up: 512 },
      ],
    });
    expect(screen.getByRole('img', { name: 'Download and upload speed over time' })).toBeTruthy();
    const points = (series: string) => container.querySelector(`polyline.${series}`)?.getAttribute('points');
    // 300 wide, 80 high; the peak (4 KiB/s) reaches 4 below the top.
    expect(points('down')).toBe('0,80 150,4 300,42');
    expect(points('up')).toBe('0,61 150,80 300,70.5');
    expect(container.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'down 2.00 KiB/s up 512 B/s · peak 4.00 KiB/s',
    );
  });

  it('shows dashes before the first sample', () => {
    const { container } = render(SpeedChart, { samples: [] });
    expect(container.querySelector('polyline.down')?.getAttribute('points')).toBe('');
    expect(container.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'down – up – · peak 1 B/s',
    );
  });
});
