import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CallbackServer } from '../../lib/callback-server.ts';
import { releasedPort } from '../support/free-port.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { runSuite } from '../support/run-suite.ts';
import { HEALTH_WITH_EDITING_ENABLED, startStubHealth } from '../support/stub-miner.ts';

// Global setup stops a run with one sentence an operator can act on, never a stack trace alone.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
// Setup passes, then no test runs: enough to read what setup printed and put in the report.
const SETUP_ONLY = ['--grep', 'matches no test', '--pass-with-no-tests'];

test.describe('ASYNC_SAMPLE_IMAGE is checked at setup', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sample-setting-'));
  const textFile = path.join(folder, 'notes.txt');
  writeFileSync(textFile, 'not an image\n');
  for (const [what, file, sentence] of [
    [
      'missing',
      path.join(folder, 'missing.png'),
      `The image file ${path.join(folder, 'missing.png')} named by ASYNC_SAMPLE_IMAGE does not exist`,
    ],
    ['a folder', folder, `The image file ${folder} named by ASYNC_SAMPLE_IMAGE is a folder`],
    ['a text file', textFile, textFile],
  ] as const)
    test(`a sample image that is ${what} stops the run at setup with one sentence`, async () => {
      const run = await runSuite({ env: { ASYNC_MINER_URL: `http://127.0.0.1:${await releasedPort()}`, ASYNC_SAMPLE_IMAGE: file } });
      expect(run.exitCode).not.toBe(0);
      expect(run.output).toContain(sentence);
      expect(run.output).toMatch(/set ASYNC_SAMPLE_IMAGE to .*PNG or JPEG file/);
      expect(run.output).not.toContain('Miner unreachable'); // stopped before the miner was asked
      expect(run.output).not.toMatch(STACK_FRAME);
      expect(run.tests).toEqual([]);
    });
});

test('an unreachable external callback receiver stops the run at setup with one sentence', async () => {
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_ENABLED);
  const base = `http://127.0.0.1:${await releasedPort()}`;
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: miner.url, ASYNC_USE_EXTERNAL_CALLBACK: 'true', ASYNC_CALLBACK_BASE_URL: base } });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(
        `ASYNC_USE_EXTERNAL_CALLBACK=true reads callbacks from the external receiver's ${base}/callbacks, but it could not be reached \\(.*ECONNREFUSED.*\\): start the receiver or fix ASYNC_CALLBACK_BASE_URL\\.`,
      ),
    );
    expect(run.output).not.toMatch(STACK_FRAME);
    expect(run.tests).toEqual([]);
  } finally {
    await miner.close();
  }
});

test('with an external receiver, the console names it and binds no receiver of its own', async () => {
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_ENABLED);
  const external = await CallbackServer.start({ host: '127.0.0.1', port: 0 });
  try {
    const run = await runSuite({
      env: { ASYNC_MINER_URL: miner.url, ASYNC_USE_EXTERNAL_CALLBACK: 'true', ASYNC_CALLBACK_BASE_URL: external.baseUrl },
      args: SETUP_ONLY,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(`Callbacks go to ${external.baseUrl} (rule external:`);
    expect(run.output).not.toContain('receiver bound');
  } finally {
    await Promise.all([external.close(), miner.close()]);
  }
});

test('a callback port that is taken stops the run at setup naming the port and what holds it', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as { port: number };
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_ENABLED);
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: miner.url, ASYNC_CALLBACK_BASE_URL: `http://127.0.0.1:${port}` } });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(
        `ASYNC_CALLBACK_BASE_URL names port ${port} for the callback receiver, but on 127.0.0.1 it is taken (by \\S+ \\(pid ${process.pid}\\)|\\(ss -ltnp could not say by what\\)): stop what holds it or name a free port in ASYNC_CALLBACK_BASE_URL\\.`,
      ),
    );
    expect(run.output).not.toMatch(STACK_FRAME);
  } finally {
    await Promise.all([new Promise((resolve) => holder.close(resolve)), miner.close()]);
  }
});

test('a free callback port named in ASYNC_CALLBACK_BASE_URL is said with the callback address', async () => {
  const port = await releasedPort();
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_ENABLED);
  try {
    const run = await runSuite({
      env: { ASYNC_MINER_URL: miner.url, ASYNC_CALLBACK_BASE_URL: `http://127.0.0.1:${port}` },
      args: SETUP_ONLY,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      `Callbacks reach http://127.0.0.1:${port} (the first worker; others on free ports), receiver bound to 127.0.0.1`,
    );
  } finally {
    await miner.close();
  }
});

test('the report header carries the miner, its protocol, the settings with the secret masked, its faults and the suite version', async () => {
  const run = await withReferenceMiner({ faults: ['seed-ignored'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl, ASYNC_CALLBACK_SECRET: 'hush-hush-42' }, args: SETUP_ONLY }),
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(run.metadata).toMatchObject({
    Protocol: expect.stringMatching(/^The miner's edit request speaks /),
    'Reference miner faults': 'seed-ignored',
    'Suite version': '0.1.0',
  });
  expect(run.metadata['Miner URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(run.metadata.Settings).toContain('ASYNC_CALLBACK_SECRET=***');
  expect(run.metadata.Settings).toContain(`ASYNC_MINER_URL=${String(run.metadata['Miner URL'])}`);
  expect(JSON.stringify(run.metadata)).not.toContain('hush-hush-42');
});

for (const keep of [false, true])
  test(`the bundled miner's outputs are ${keep ? 'kept with ASYNC_KEEP_MINER_OUTPUT=true' : 'removed from the temp folder at the end of the run'}`, async () => {
    const run = await runSuite({ env: keep ? { ASYNC_KEEP_MINER_OUTPUT: 'true' } : {}, args: SETUP_ONLY });
    expect(run.exitCode, run.output).toBe(0);
    const port = /testing the bundled reference miner at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output)?.[1];
    const folder = path.join(tmpdir(), `kontext-reference-miner-${port}`);
    expect(run.output, 'the setup job wrote an output').toContain('Callback path proven');
    expect(existsSync(folder), folder).toBe(keep);
    expect(run.output.includes(`The bundled miner's outputs are kept in ${folder}`), 'the console says where they are kept').toBe(keep);
    rmSync(folder, { recursive: true, force: true });
  });
