import {
  describeTrend,
  EDIT_TIME_TREND,
  editTimeTrends,
  expect,
  MIN_TREND_EDITS,
  plannedEdits,
  readEditTimes,
  test,
  trendChartSvg,
} from '../fixtures/index.ts';

// Runs after the conformance project (its dependency), from the edit times the run's own jobs recorded:
// validators send jobs for hours, and a miner whose edit time grows with the jobs it served misses their budget.
// @slow: Playwright runs a dependency in full whatever --grep says, so the quick pass must not select this.

test(
  "the miner's seconds per step do not grow with the jobs it served, first jobs against last",
  { tag: ['@steady-edit-time', '@slow'], annotation: plannedEdits() },
  async ({ suite }) => {
    const trends = editTimeTrends(readEditTimes(suite));
    test.skip(
      trends.length === 0,
      `fewer than ${MIN_TREND_EDITS} edits of any one steps count completed in this run's conformance project, too few to read a trend from`,
    );
    for (const trend of trends) test.info().annotations.push({ type: EDIT_TIME_TREND, description: describeTrend(trend) });
    await test.info().attach('seconds per step over the run.svg', { body: trendChartSvg(trends), contentType: 'image/svg+xml' });
    expect(
      trends.filter((trend) => trend.grew).map(describeTrend),
      "kinds of edit whose time more than doubled, by over 500 ms, between the run's first and last jobs: the miner slows as it serves jobs (a leak), so restart it and find what grows per job (caches, GPU memory, queues)",
    ).toEqual([]);
  },
);
