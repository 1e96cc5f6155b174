import { defineConfig } from '@playwright/test';

// The project's own tests, one Playwright project per question (tests/README.md): `npm test -- --project unit`
// runs the units in seconds.
export default defineConfig({
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  reporter: [['list'], ['./support/closing-line-reporter.ts']],
  outputDir: '../test-results/project-tests',
  projects: [
    // Units of lib/, setup/ and fixtures/, and the import-direction rule.
    { name: 'unit', testDir: 'unit' },
    // The reference servers themselves: endpoints, input preparation, revisions, settings, the fault switch.
    { name: 'reference-miner', testDir: '.', testMatch: ['reference-miner/**/*.spec.ts', 'reference-proxy/**/*.spec.ts'] },
    // The suite as an operator runs it: the fault matrix (the proof of every rule), settings, a sick miner,
    // fleets, shards, Docker and the HTML report.
    {
      name: 'suite-run',
      testDir: '.',
      // A test here runs the suite in a child process, which run-suite.ts bounds itself (300 s).
      timeout: 330_000,
      testMatch: ['fault-matrix/**/*.spec.ts', 'suite-run/**/*.spec.ts', 'docker/**/*.spec.ts', 'report/**/*.spec.ts'],
    },
  ],
});
