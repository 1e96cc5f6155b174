import { expect, test } from '@playwright/test';
import { FAULTS } from '../../reference-miner/faults.ts';
import { runSuite } from '../suite-run/run-suite.ts';
import { CALLBACK, FAULT_CASES, FAULTS_AWAITING_A_SPEC, SAME_REQUEST } from './fault-cases.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';

// The suite earns trust by failing: each fault of the reference miner must make its spec fail, for
// the stated reason, and the healthy miner must pass everything.

test('the healthy reference miner, started by the config itself, passes every spec; every spec has a fault that fails it', async () => {
  const run = await runSuite({});
  const failures = run.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`);
  expect(failures, run.output).toEqual([]);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('No ASYNC_MINER_URL: testing the bundled reference miner');

  const attachments = (title: string) => run.tests.find((t) => t.title === title)?.attachments ?? [];
  expect(attachments(SAME_REQUEST), 'the report shows the input and both outputs').toEqual(
    expect.arrayContaining(['input.png', 'first run.png', 'second run.png']),
  );
  expect(
    attachments(CALLBACK).filter((name) => /^callback 1 e2e-.*\.json$/.test(name)),
    'the report shows the callback body',
  ).toHaveLength(1);

  const caught = new Set(FAULT_CASES.map((c) => c.test));
  const uncaught = run.tests.map((t) => t.title.split(' › ').at(-1)!).filter((title) => !caught.has(title));
  expect(uncaught, 'specs no fault makes fail').toEqual([]);
});

test('every fault is in the matrix, or waits for the spec named beside it', () => {
  const known = new Set(Object.keys(FAULTS));
  const listed = [...FAULT_CASES.map((c) => c.fault), ...Object.keys(FAULTS_AWAITING_A_SPEC)];
  expect(
    listed.filter((f) => !known.has(f)),
    'faults the reference miner does not have',
  ).toEqual([]);
  expect(
    [...known].filter((f) => !listed.includes(f)),
    'faults neither caught nor awaiting a spec',
  ).toEqual([]);
});

for (const { fault, spec, test: title, because } of FAULT_CASES) {
  test(`${fault} fails "${title}"`, async () => {
    const run = await withReferenceMiner({ faults: [fault] }, (minerUrl) =>
      runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: [`specs/${spec}.spec.ts`, '--grep', escapeRegExp(title)] }),
    );
    const target = run.tests.find((t) => t.title === title);
    expect(target, `"${title}" did not run:\n${run.output}`).toBeDefined();
    expect(target!.outcome, `"${title}" should fail against ${fault}`).toBe('unexpected');
    expect(target!.errors).toMatch(because);
    if (fault === 'unstable-pixels')
      expect(target!.attachments, 'a diff picture for differing pixels').toContain('diff first run vs second run.png');
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
