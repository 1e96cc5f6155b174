import { expect, test } from '@playwright/test';
import { JobListingSchema } from '../../protocol/listings.ts';
import { BASE_FIELDS } from '../../setup/base-edits.ts';
import { runSuite } from '../support/run-suite.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';

// Global setup submits the base edit and its repeat while Playwright starts its workers; each worker adopts
// them instead of making its own; @callback-parts judges the callback setup's receiver kept with its own jobs'.
const BASE_USERS = ['--grep', '@same-request-same-bytes|@seed-changes-output|@status-lifecycle', '--workers=2'];

test('the base edit and its repeat are made once for the run, at setup, and adopted by every worker', async () => {
  const { run, baseJobs } = await withReferenceMiner({}, async (minerUrl) => {
    const run = await runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: BASE_USERS });
    const listing = JobListingSchema.parse(await (await fetch(`${minerUrl}/jobs?job_type=edit`)).json());
    const baseJobs = (listing.edit_jobs ?? []).filter(
      (record) => record.request.seed === BASE_FIELDS.seed && record.request.prompt === BASE_FIELDS.prompt,
    );
    return { run, baseJobs };
  });
  expect(run.exitCode, run.output).toBe(0);
  expect(run.tests.map((t) => t.outcome)).toEqual(['expected', 'expected', 'expected']);
  expect(run.output).toContain('Started "base edit" and "the base request again" (10 + 10 steps), which every worker adopts');
  expect(
    baseJobs.map((record) => record.id.replace(/-[\w-]{36}$/, '')),
    'jobs of the base request on the miner: two workers needed them, setup made them',
  ).toEqual(expect.arrayContaining(['e2e-setup-base', 'e2e-setup-base-again']));
  expect(baseJobs).toHaveLength(2);
});

test("a wrong callback of an edit started at setup fails @callback-parts, in the callback checks' words", async () => {
  const run = await withReferenceMiner({ faults: ['callback-filename-wrong'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: ['--grep', '@callback-parts'] }),
  );
  const [adopter] = run.tests;
  expect(adopter?.outcome, run.output).toBe('unexpected');
  expect(adopter?.errors).toMatch(/The completed callback of job e2e-setup-base-[\w-]+ names its file "image\.png", not "e2e-setup-base-/);
});
