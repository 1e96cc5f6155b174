import type { EditTime } from './report-annotations.ts';

// A miner whose edit time grows with the jobs it served leaks (a cache, CUDA memory, a queue): compare the
// first and the last jobs of one kind, by medians so that one slow edit under load does not trip it.

/** Fewest edits of one kind a trend is read from: thirds of three each. */
export const MIN_TREND_EDITS = 9;
/** The last third's median must exceed the first's by this factor and by MIN_GROWTH_MS to count as growth. */
export const GROWTH_FACTOR = 2;
export const MIN_GROWTH_MS = 500;

/** An edit timed on the miner's own record, in the order the miner started it. */
export type TimedEdit = EditTime & { startedAtMs: number };

/** Edits of one kind (one steps count), first to last: the medians of their first and last thirds. */
export type EditTimeTrend = {
  steps: number;
  edits: TimedEdit[];
  third: number;
  firstMedianMs: number;
  lastMedianMs: number;
  grew: boolean;
};

/** One trend per steps count that ran at least MIN_TREND_EDITS times, most edits first. */
export function editTimeTrends(edits: readonly TimedEdit[]): EditTimeTrend[] {
  const kinds = new Map<number, TimedEdit[]>();
  for (const edit of [...edits].sort((a, b) => a.startedAtMs - b.startedAtMs))
    kinds.set(edit.steps, [...(kinds.get(edit.steps) ?? []), edit]);
  return [...kinds]
    .filter(([, kind]) => kind.length >= MIN_TREND_EDITS)
    .map(([steps, kind]) => {
      const third = Math.floor(kind.length / 3);
      const firstMedianMs = median(kind.slice(0, third).map((edit) => edit.ms));
      const lastMedianMs = median(kind.slice(-third).map((edit) => edit.ms));
      const grew = lastMedianMs > GROWTH_FACTOR * firstMedianMs && lastMedianMs - firstMedianMs > MIN_GROWTH_MS;
      return { steps, edits: kind, third, firstMedianMs, lastMedianMs, grew };
    })
    .sort((a, b) => b.edits.length - a.edits.length);
}

/** `10-step edits (80): 0.012 s per step over the first 26, 0.013 over the last 26 (×1.08)`. */
export function describeTrend({ steps, edits, third, firstMedianMs, lastMedianMs }: EditTimeTrend): string {
  const perStep = (ms: number) => (ms / 1000 / steps).toFixed(3);
  const ratio = firstMedianMs > 0 ? `×${(lastMedianMs / firstMedianMs).toFixed(2)}` : 'from 0';
  return `${steps}-step edits (${edits.length}): ${perStep(firstMedianMs)} s per step over the first ${third}, ${perStep(lastMedianMs)} over the last ${third} (${ratio}, ${signedMs(lastMedianMs - firstMedianMs)} per edit)`;
}

/** A small SVG of seconds per step against the job's place in the run, one series per kind, for the report. */
export function trendChartSvg(trends: readonly EditTimeTrend[]): string {
  const width = 480;
  const height = 200;
  const pad = 36;
  const all = trends.flatMap((trend) => trend.edits.map((edit) => edit.ms / 1000 / edit.steps));
  const top = Math.max(...all, 1e-6) * 1.1;
  const longest = Math.max(...trends.map((trend) => trend.edits.length), 2);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const series = trends.map((trend, i) => {
    const points = trend.edits
      .map((edit, n) => {
        const x = pad + (n / (longest - 1)) * (width - 2 * pad);
        const y = height - pad - (edit.ms / 1000 / edit.steps / top) * (height - 2 * pad);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' ');
    const colour = colours[i % colours.length]!;
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/><text x="${width - pad}" y="${14 + 14 * i}" text-anchor="end" font-size="11" fill="${colour}">${trend.steps} steps</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#888"/>`,
    `<text x="${pad}" y="${pad - 8}" font-size="11">${top.toFixed(3)} s per step</text>`,
    `<text x="${width / 2}" y="${height - 8}" font-size="11" text-anchor="middle">edits in the order the miner started them</text>`,
    ...series,
    '</svg>',
  ].join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${Math.abs(Math.round(ms))} ms`;
}
