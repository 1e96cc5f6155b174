import {
  expect,
  isPng,
  judgeSetupJob,
  ORCHESTRATOR_VERDICT,
  paidJob,
  plannedEdits,
  receiptForReport,
  test,
  verdictSentence,
  windowLimits,
  WINDOW_JOB_NAMES,
} from '../fixtures/index.ts';

// The orchestrator fails a Kontext job whose callback comes sooner than 8 s after the job's creation or later than
// 15 s after the answer to its POST, with nothing subtracted for time queued, and bans a miner that fails one audit
// broadcast. Global setup sent its jobs as the orchestrator does, with the miner otherwise idle: the broadcast alone,
// then two jobs together. Their callbacks came to setup's receiver while the tests ran, so these tests cost no edit.

test.beforeEach(({ target }) => {
  test.skip(
    target.callback.rule === 'external',
    "the window is timed on global setup's jobs, whose callbacks only the suite's own receiver can time: unset ASYNC_USE_EXTERNAL_CALLBACK to judge it",
  );
  test.skip(
    !target.orchestratorJobs?.length,
    'global setup sent no orchestrator-shaped job to this miner (it reaches it only through the proxy)',
  );
});

test(
  "the orchestrator's jobs call back inside its window: the broadcast alone and two jobs together, none sooner than 8 s after creation or later than 15 s after dispatch, none with an error",
  { tag: ['@validator-window', '@smoke'], annotation: plannedEdits() },
  async ({ target, settings }) => {
    const jobs = target.orchestratorJobs!.filter((job) => WINDOW_JOB_NAMES.includes(job.name));
    test.skip(
      jobs.length < 3 && !jobs.some((job) => job.refusal),
      'global setup sent the broadcast only: the pair is sent where a conformance project tests this miner directly',
    );
    // The orchestrator sends only image_url; a miner of the seed revision takes none, so setup sent image_b64 instead.
    if (jobs.some((job) => job.inputAsB64))
      test.info().annotations.push({
        type: 'input as image_b64',
        description: "the miner's edit request has no image_url, which every orchestrator job uses: it would refuse them all",
      });
    const verdicts = await Promise.all(jobs.map((job) => judgeSetupJob(job, target.runStateDir, windowLimits(settings))));
    for (const judgedJob of verdicts) {
      test.info().annotations.push({ type: ORCHESTRATOR_VERDICT, description: JSON.stringify(paidJob(judgedJob)) });
      for (const [i, receipt] of judgedJob.receipts.entries())
        await test.info().attach(`callback ${i + 1} of the ${judgedJob.job.name} ${judgedJob.job.jobId}.json`, {
          body: JSON.stringify(receiptForReport(receipt), null, 2),
          contentType: 'application/json',
        });
    }
    for (const judgedJob of verdicts) expect.soft(judgedJob.verdict.ok, verdictSentence(judgedJob)).toBe(true);
  },
);

test(
  "the audit broadcast's payload, sent as the orchestrator sends it, ends in success inside the window with a non-empty PNG",
  { tag: ['@audit-broadcast', '@smoke'], annotation: plannedEdits() },
  async ({ target, settings }) => {
    const broadcast = target.orchestratorJobs!.find((job) => job.name === 'audit broadcast')!;
    const judgedJob = await judgeSetupJob(broadcast, target.runStateDir, windowLimits(settings));
    test.info().annotations.push({ type: 'audit broadcast', description: JSON.stringify(broadcast.body) });
    expect(judgedJob.verdict.ok, `${verdictSentence(judgedJob)} A failed broadcast bans the miner for good.`).toBe(true);
    const image = judgedJob.receipts.at(-1)?.image;
    expect(
      image && image.length > 0 && isPng(image),
      `The audit broadcast's callback (job ${broadcast.jobId}) must carry a non-empty PNG image part, which validators hash against the trusted miner's; it carried ${image ? `${image.length} bytes starting ${image.subarray(0, 8).toString('hex')}` : 'no image part'}. A broadcast without one bans the miner for good.`,
    ).toBe(true);
  },
);
