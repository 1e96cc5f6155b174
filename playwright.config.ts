import 'dotenv/config';
import { defineConfig } from '@playwright/test';
import { referenceMinerServer } from './setup/reference-miner-target.ts';
import { PROXY_PROJECT, proxyProjectMinerUrl } from './setup/proxy-target.ts';
import { runContextPublished, type MinerUnderTest } from './setup/run-context.ts';
import { minerTargets, runSettings } from './setup/settings.ts';

// The target first (no ASYNC_MINER_URL: the bundled reference miner on a free port), then the settings, read once.
// A worker loads this file again after global setup: it takes both from the run context, and starts nothing.
const referenceMiner = runContextPublished() ? undefined : await referenceMinerServer();
const settings = readSettingsOrExit();
// One project per miner, the miner a typed option of it; a fleet (ASYNC_MINER_URLS) names each by its address.
const targets = minerTargets(settings);
const fleet = targets.length > 1;
// Playwright workers per miner come from what the miner can take, not this machine's cores: its inference workers
// plus two, so while one test waits out a held callback (8 s on a compliant miner) and another reads, compares and
// starts its next, a job is still queued (each further worker only adds its own shared edits). Only the bundled
// miner's count is known here (its INFERENCE_WORKERS); another miner counts as one until --workers says otherwise.
// The window rule's jobs need no idle miner: global setup sends them before any worker starts. A fleet gets this per
// miner, each project held to its share.
const minerWorkers = referenceMiner ? Number(process.env.INFERENCE_WORKERS) || 1 : 1;
// CI shares two cores between the suite and the bundled CPU miner it tests: two workers there, as before.
const workersPerMiner = process.env.CI ? 2 : minerWorkers + 2;
const projectsOf = (minerUrl: string) => {
  const address = `${new URL(minerUrl).host}${new URL(minerUrl).pathname.replace(/\/$/, '')}`;
  const conformance = fleet ? address : 'conformance';
  return [
    { name: conformance, testDir: 'specs', use: { minerUrl }, ...(fleet ? { workers: workersPerMiner } : {}) },
    // Findings validators do not punish: outside the default run, asked for with ASYNC_ADVISORY=true.
    ...(settings.ASYNC_ADVISORY ? [{ name: fleet ? `advisory ${address}` : 'advisory', testDir: 'advisory', use: { minerUrl } }] : []),
  ];
};
// Always defined, run when named (--project proxy) or when ASYNC_PROXY_URL asks; global setup starts what it needs.
const proxyMinerUrl = proxyProjectMinerUrl(settings, targets);
const proxyProject = proxyMinerUrl
  ? [{ name: PROXY_PROJECT, testDir: 'proxy', default: !!settings.ASYNC_PROXY_URL, use: { minerUrl: proxyMinerUrl } }]
  : [];
// A test may chain several edits: give it room for four jobs and their callbacks.
const testTimeoutMs = (4 * settings.ASYNC_JOB_TIMEOUT_SECONDS + settings.ASYNC_CALLBACK_TIMEOUT_SECONDS + 30) * 1000;

export default defineConfig<MinerUnderTest>({
  testDir: 'specs',
  projects: [...targets.flatMap(projectsOf), ...proxyProject],
  globalSetup: './global-setup.ts',
  // Every test is its own unit of work, handed out in file order (alphabetical) then test order: the files whose
  // tests wait on one job before submitting the next (budget-and-replay, callback-secret) sort before the rest,
  // so the run ends on tests that submit their jobs at once and the miner's queue stays full to the end; the
  // miner-over-time check (wear-over-time) sorts last, as it judges the jobs of every other test.
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0, // a flaky spec is a bug to find, not to retry
  workers: workersPerMiner * Math.max(1, targets.length), // a proxy named alone stands for one miner
  timeout: testTimeoutMs,
  // The cost and pay reporters write the run's price and pay into the metadata before the HTML reporter reads it; the opener
  // follows the HTML reporter: it opens the report's Metadata on load and wraps long failures.
  reporter: [
    ['list'],
    ['./reporters/skips-and-divergences-reporter.ts'],
    ['./reporters/cost-reporter.ts'],
    ['./reporters/pay-reporter.ts'],
    ['html', { open: 'never' }],
    ['./reporters/html-report-opener.ts'],
  ],
  webServer: referenceMiner,
  // Trusted digest sets, one file per name (ASYNC_TRUSTED_DIGESTS), recorded with --update-snapshots.
  snapshotPathTemplate: '{testDir}/trusted-digests/{arg}{ext}',
});

function readSettingsOrExit() {
  try {
    return runSettings();
  } catch (error) {
    console.error(`[kontext-e2e] ${(error as Error).message}`);
    process.exit(1);
  }
}
