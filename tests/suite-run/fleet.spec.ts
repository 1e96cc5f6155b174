import { expect, test } from '@playwright/test';
import { startTestMiner } from '../support/with-reference-miner.ts';
import { runSuite } from '../support/run-suite.ts';

test('ASYNC_MINER_URLS tests a fleet in one run: a project per miner, each with its own revision and callback address', async () => {
  const seed = await startTestMiner({ protocolRevision: 'seed' });
  const later = await startTestMiner({ protocolRevision: 'later' });
  try {
    const run = await runSuite({
      env: { ASYNC_MINER_URLS: `${seed.url},${later.url}` },
      reporter: 'list,./reporters/skips-and-divergences-reporter.ts,json',
      args: ['specs/edit-workflow.spec.ts', 'specs/request-validation.spec.ts'],
    });
    const address = (url: string) => new URL(url).host;
    expect(new Set(run.tests.map((t) => t.project)), 'one project per miner, named by its address').toEqual(
      new Set([address(seed.url), address(later.url)]),
    );
    expect(run.tests.filter((t) => t.outcome === 'unexpected').map((t) => `${t.project} ${t.title}\n${t.errors}`)).toEqual([]);
    expect(run.output, "the seed miner's revision").toContain(
      `${seed.url}: The miner's edit request speaks the seed protocol (reference_job_id).`,
    );
    expect(run.output, "the later miner's revision").toContain(`${later.url}: The miner's edit request speaks the later one (image_url).`);
    const outcome = (project: string, rule: string) => run.tests.find((t) => t.project === project && t.tags.includes(rule))?.outcome;
    expect(outcome(address(seed.url), '@reference-chain'), 'the seed protocol chain on the seed miner').toBe('expected');
    expect(outcome(address(later.url), '@reference-chain'), 'the seed protocol chain on the later miner').toBe('skipped');
    const divergent = run.tests.filter((t) => t.annotations.some((a) => a.type === 'divergence')).map((t) => t.project);
    expect(new Set(divergent), 'divergences come from the later miner only').toEqual(new Set([address(later.url)]));
    expect(run.output, 'the divergence line names its miner').toMatch(
      new RegExp(`^\\[kontext-e2e\\] Divergence seen in \\d+ tests?: ${address(later.url)}: `, 'm'),
    );
    expect(run.output, 'the skip line names its miner').toMatch(
      new RegExp(`^\\[kontext-e2e\\] Skipped \\d+ tests?: ${address(later.url)}: `, 'm'),
    );
    expect(run.output.match(/Callbacks reach /g), 'a callback address decided for each miner').toHaveLength(2);
    expect(run.metadata['Miner URL'], 'the report names both miners').toBe(`${seed.url}, ${later.url}`);
  } finally {
    await Promise.all([seed.close(), later.close()]);
  }
});
