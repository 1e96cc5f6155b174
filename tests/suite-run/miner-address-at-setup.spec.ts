import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { releasedPort } from '../support/free-port.ts';
import { runSuite, type SuiteRun } from '../support/run-suite.ts';
import { startScriptedServer } from '../support/scripted-server.ts';

// What the first answer already tells ends the run on the first try, in one sentence: no retries, no
// "Miner unreachable" after the health deadline (here 30 s, the default, so a retry would show).
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const PATIENT = { ASYNC_HEALTH_TIMEOUT_SECONDS: '30' };

function expectOneSentenceAtOnce(run: SuiteRun, sentence: string | RegExp): void {
  expect(run.exitCode).not.toBe(0);
  if (typeof sentence === 'string') expect(run.output).toContain(sentence);
  else expect(run.output).toMatch(sentence);
  expect(run.output, 'no retry for what cannot heal').not.toContain('retrying for up to');
  expect(run.output).not.toContain('Miner unreachable');
  expect(run.output).not.toMatch(STACK_FRAME);
  expect(run.tests).toEqual([]);
}

test('https:// against a miner that speaks plain HTTP is named at once, with the URL to write', async () => {
  const plain = await startScriptedServer(() => ({ status: 404, body: 'Not Found' }));
  const port = new URL(plain.url).port;
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: `https://127.0.0.1:${port}`, ...PATIENT } });
    expectOneSentenceAtOnce(
      run,
      `ASYNC_MINER_URL speaks TLS (https://) to 127.0.0.1:${port}, which answers plain HTTP (EPROTO: wrong version number): write http://127.0.0.1:${port} instead.`,
    );
  } finally {
    await plain.close();
  }
});

test('a host name that does not resolve is named at once, with the colon it probably lost', async () => {
  const run = await runSuite({ env: { ASYNC_MINER_URL: 'http://localhost19611', ...PATIENT } });
  expectOneSentenceAtOnce(
    run,
    'The host name "localhost19611" of ASYNC_MINER_URL (http://localhost19611) does not resolve (getaddrinfo ENOTFOUND); did you mean http://localhost:19611? Fix ASYNC_MINER_URL in the environment or .env.',
  );
});

test('a web server that is not a miner is named on its first answer', async () => {
  const web = await startScriptedServer(() => ({ status: 404, body: '<h1>Not Found</h1>', contentType: 'text/html' }));
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: web.url, ...PATIENT } });
    expectOneSentenceAtOnce(
      run,
      `${web.url}/health answered 404, but not with the miner's health document (expected JSON with status and services.kontext_edit, got 18 bytes of text beginning \`<h1>Not Found</h1>\`): the server at ${new URL(web.url).host} is not a Kontext miner; check that ASYNC_MINER_URL points at the miner's port (8091 by default).`,
    );
  } finally {
    await web.close();
  }
});

test('a URL whose port was left empty is refused as a setting, not read as port 80', async () => {
  const run = await runSuite({ env: { ASYNC_MINER_URL: 'http://127.0.0.1:' } });
  expectOneSentenceAtOnce(
    run,
    'ASYNC_MINER_URL names no port after the colon, which would silently mean port 80 (443 for https); write the port, such as http://127.0.0.1:8091, but it is "http://127.0.0.1:": fix ASYNC_MINER_URL in the environment or in .env.',
  );
});

test('a URL with no port says the default port it uses', async () => {
  const run = await runSuite({ env: { ASYNC_MINER_URL: 'http://127.0.0.1', ASYNC_HEALTH_TIMEOUT_SECONDS: '1' } });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain(
    'Miner unreachable: http://127.0.0.1/health (port 80, the default of http: the URL names no port) gave no healthy answer within 1 s',
  );
});

test('a refused connection is retried while the miner starts, and the console says so at once', async () => {
  const url = `http://127.0.0.1:${await releasedPort()}`;
  const run = await runSuite({ env: { ASYNC_MINER_URL: url, ASYNC_HEALTH_TIMEOUT_SECONDS: '1' } });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain(`retrying for up to 1 s while the miner starts (ASYNC_HEALTH_TIMEOUT_SECONDS)`);
  expect(run.output).toContain(`Miner unreachable: ${url}/health gave no healthy answer within 1 s`);
});

for (const where of ['the environment', '.env'] as const)
  test(`a misspelt ASYNC_ name in ${where} stops the run naming the setting it was meant to be`, async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'dotenv-'));
    const envFile = path.join(folder, '.env');
    const url = `http://127.0.0.1:${await releasedPort()}`;
    writeFileSync(envFile, where === '.env' ? `ASYNC_MINER_ULR=${url}\n` : '');
    const run = await runSuite({
      env: { DOTENV_CONFIG_PATH: envFile, DOTENV_CONFIG_QUIET: 'true', ...(where === '.env' ? {} : { ASYNC_MINER_ULR: url }) },
    });
    expectOneSentenceAtOnce(
      run,
      `ASYNC_MINER_ULR in ${where === '.env' ? envFile : 'the environment'} is not a setting of the suite; did you mean ASYNC_MINER_URL? Rename or remove it (README.md lists every setting).`,
    );
    expect(run.output, 'the bundled miner was not tested instead').not.toContain('bundled reference miner');
  });
