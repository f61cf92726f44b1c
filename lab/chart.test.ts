import { describe, expect, it } from 'vitest';
import { escapeXml, linearAxis, linearTicks, logAxis, logTicks, renderCsv, renderSvg } from './chart';
import type { Figure } from './experiments/types';

const figure: Figure = {
  id: 'test',
  title: 'A <test> & more',
  xLabel: 'peers N',
  yLabel: 'time (s)',
  logX: true,
  series: [
    {
      name: 'measured',
      points: [
        [1, 10],
        [10, 30],
        [100, 60],
      ],
    },
    {
      name: 'bound',
      points: [
        [1, 8],
        [100, 50],
      ],
      dashed: true,
    },
    { name: 'empty', points: [] },
  ],
};

describe('chart', () => {
  it('picks round linear ticks covering the range', () => {
    expect(linearTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linearTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const ticks = linearTicks(3, 1234);
    expect(ticks[0]).toBeGreaterThanOrEqual(3);
    expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(1234);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
  });

  it('picks powers of ten (and 2, 5 on short ranges) for log axes', () => {
    expect(logTicks(1, 1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1e6]);
  });

  it('runs each axis from a tick below every value to a tick above every value', () => {
    expect(linearAxis(1.02, 1.742)).toEqual({
      from: 1,
      to: 1.8,
      ticks: [1, 1.2, 1.4, 1.6, 1.8],
    });
    expect(linearAxis(0, 10)).toMatchObject({ from: 0, to: 10 });
    expect(logAxis(1, 40)).toEqual({ from: 1, to: 50, ticks: [1, 2, 5, 10, 20, 50] });
    expect(logAxis(7.9, 320)).toMatchObject({ from: 5, to: 500 });
    expect(logAxis(3, 2e6)).toMatchObject({ from: 1, to: 1e7 });
  });

  it('keeps every point of every series inside the plot, below its top tick', () => {
    const svg = renderSvg({
      id: 'ratio',
      title: 'Measured time over its bound',
      xLabel: 'peers N',
      yLabel: 'measured / bound',
      logX: true,
      series: [
        {
          name: 'swarm',
          points: [
            [1, 1.02],
            [2, 1.32],
            [40, 1.742],
          ],
        },
      ],
    });
    const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
    const [left, top, width, height] = frame.slice(1).map(Number);
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(circles).toHaveLength(3);
    for (const [x, y] of circles) {
      expect(x).toBeGreaterThanOrEqual(left);
      expect(x).toBeLessThanOrEqual(left + width);
      expect(y).toBeGreaterThanOrEqual(top);
      expect(y).toBeLessThanOrEqual(top + height);
    }
    // The highest y tick labels a value at or above the highest point (1.8 here).
    expect(svg).toContain('dominant-baseline="middle">1.8</text>');
  });

  it('draws one polyline per series with points, bounds dashed, text escaped', () => {
    const svg = renderSvg(figure);
    expect(svg.startsWith('<svg')).toBe(true);
    const lines = [
      ...svg.matchAll(/<polyline class="series" data-series="([^"]+)" data-points="(\d+)"[^>]*>/g),
    ];
    expect(lines.map((m) => [m[1], m[2]])).toEqual([
      ['measured', '3'],
      ['bound', '2'],
    ]);
    expect(lines[1][0]).toContain('stroke-dasharray');
    expect(lines[0][0]).not.toContain('stroke-dasharray');
    expect(svg).toContain('A &lt;test&gt; &amp; more');
    expect(svg).not.toContain('<test>');
    expect(svg).toContain('>empty</text>'); // listed in the legend
  });

  it('says so when there is no data', () => {
    expect(renderSvg({ ...figure, series: [{ name: 'x', points: [] }] })).toContain('no data yet');
  });

  it('writes the points as CSV, quoting where needed', () => {
    const csv = renderCsv({ ...figure, series: [{ name: 'a, b', points: [[1, 2]] }] });
    expect(csv).toBe('series,peers N,time (s)\n"a, b",1,2\n');
    expect(escapeXml(`"'`)).toBe('&quot;&#39;');
  });
});
