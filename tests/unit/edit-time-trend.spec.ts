import { expect, test } from '@playwright/test';
import { editTimeTrends, MIN_TREND_EDITS, trendChartSvg, type TimedEdit } from '../../lib/edit-time-trend.ts';

// The miner-over-time rule must name a leak and never a healthy miner whose edits are noisy under load.

const series = (count: number, ms: (n: number) => number, steps = 10): TimedEdit[] =>
  Array.from({ length: count }, (_, n) => ({ steps, ms: ms(n), startedAtMs: 1_000 * n }));

test('a leak of 20 ms per edit over 90 edits is named; its medians are of the first and last thirds', () => {
  const [trend] = editTimeTrends(series(90, (n) => 100 + 20 * n));
  expect(trend).toMatchObject({ steps: 10, third: 30, grew: true });
  expect(trend!.lastMedianMs - trend!.firstMedianMs).toBeGreaterThan(500);
});

test('noise under load does not trip it: a few edits 10× slower, or a fast miner doubling by less than 500 ms', () => {
  const spiky = series(60, (n) => (n % 7 === 6 ? 12_000 : 1_200));
  const fastButNoisy = series(60, (n) => (n < 20 ? 15 : 45));
  expect(editTimeTrends([...spiky, ...fastButNoisy.map((edit) => ({ ...edit, steps: 28 }))]).map((t) => t.grew)).toEqual([false, false]);
});

test('kinds with fewer edits than a trend needs are left out, and the chart is an SVG', () => {
  expect(editTimeTrends(series(MIN_TREND_EDITS - 1, (n) => n * 1_000))).toEqual([]);
  expect(trendChartSvg(editTimeTrends(series(12, () => 500)))).toMatch(/^<svg [\s\S]*<polyline [\s\S]*<\/svg>$/);
});
