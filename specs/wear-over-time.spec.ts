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
  waitForOtherTests,
} from '../fixtures/index.ts';

// Validators send jobs for hours, and a miner whose edit time grows with the jobs it served misses their budget.
// Read from the edit times the run's own jobs recorded, at no extra edit. The file sorts last in specs/, so this
// test is handed out after every other and waits for those still running: no worker of its own is started.
// @slow: it needs a whole run's jobs to read a trend, which the cheaper tiers do not make.

// Room left after the wait, within this test's own timeout, to read the log and attach the chart.
const JUDGING_MS = 10_000;

test(
  "the miner's seconds per step do not grow with the jobs it served, first jobs against last",
  { tag: ['@steady-edit-time', '@slow'], annotation: plannedEdits() },
  async ({ target }) => {
    await waitForOtherTests(target, JUDGING_MS);
    const trends = editTimeTrends(readEditTimes(target));
    test.skip(
      trends.length === 0,
      `fewer than ${MIN_TREND_EDITS} edits of any one steps count completed in this run, too few to read a trend from: the check judges the jobs of the tests run beside it, so run it in the full run`,
    );
    for (const trend of trends) test.info().annotations.push({ type: EDIT_TIME_TREND, description: describeTrend(trend) });
    await test.info().attach('seconds per step over the run.svg', { body: trendChartSvg(trends), contentType: 'image/svg+xml' });
    expect(
      trends.filter((trend) => trend.grew).map(describeTrend),
      "kinds of edit whose time more than doubled, by over 500 ms, between the run's first and last jobs: the miner slows as it serves jobs (a leak), so restart it and find what grows per job (caches, GPU memory, queues)",
    ).toEqual([]);
  },
);
