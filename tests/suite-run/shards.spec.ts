import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mergeBlobReports } from '../support/merge-reports.ts';
import { runSuite } from '../support/run-suite.ts';

// What .github/workflows/e2e.yml does on many machines, here on one: two shards with the blob
// reporter, each with the reference miner its config starts, then one merged report.
const SPECS = ['specs/edit-workflow.spec.ts', 'specs/edit-callback.spec.ts'];

test('two shards with --reporter=blob merge into one report holding every test of both', async () => {
  const listed = await runSuite({ args: ['--list', ...SPECS] });
  expect(listed.exitCode, listed.output).toBe(0);
  const everyTest = listed.tests.map((t) => t.title).sort();
  expect(everyTest.length, listed.output).toBeGreaterThanOrEqual(4);

  const shardDir = (index: number) => test.info().outputPath(`shard-${index}`);
  const shards = await Promise.all(
    [1, 2].map((index) =>
      runSuite({
        reporter: 'blob',
        env: { PLAYWRIGHT_BLOB_OUTPUT_DIR: shardDir(index) },
        args: [`--shard=${index}/2`, ...SPECS],
      }),
    ),
  );
  const mergeDir = test.info().outputPath('all-blob-reports');
  mkdirSync(mergeDir, { recursive: true });
  for (const [i, shard] of shards.entries()) {
    expect(shard.exitCode, shard.output).toBe(0);
    expect(shard.output, 'each shard starts its own reference miner').toContain('No ASYNC_MINER_URL: testing the bundled reference miner');
    const blobs = readdirSync(shardDir(i + 1)).filter((f) => f.endsWith('.zip'));
    expect(blobs, `blob report of shard ${i + 1}`).toEqual([expect.stringMatching(new RegExp(`^report-.*${i + 1}\\.zip$`))]);
    copyFileSync(path.join(shardDir(i + 1), blobs[0]!), path.join(mergeDir, blobs[0]!));
  }

  // Each shard alone holds a part: the split is real, not one shard running everything.
  const parts = await Promise.all([1, 2].map((index) => mergeBlobReports(shardDir(index))));
  for (const part of parts) expect(part.tests.length, part.output).toBeGreaterThan(0);
  expect(parts.flatMap((p) => p.tests.map((t) => t.title)).sort()).toEqual(everyTest);

  const merged = await mergeBlobReports(mergeDir);
  expect(merged.exitCode, merged.output).toBe(0);
  expect(merged.tests.map((t) => t.title).sort()).toEqual(everyTest);
  expect(merged.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`)).toEqual([]);
});
