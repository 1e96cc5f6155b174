import { defineConfig } from '@playwright/test';

// The project's own tests: units, the reference miner, and the fault matrix that runs the suite.
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  reporter: [['list'], ['./summary-reporter.ts']],
  outputDir: '../test-results/project-tests',
});
