import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readMinerConfig } from '../../reference-miner/config.ts';
import { waitUntil } from '../../lib/wait-until.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';
import { startEntryPoint } from '../support/reference-servers.ts';

const MAIN = fileURLToPath(new URL('../../reference-miner/main.ts', import.meta.url));

test("the real miner's variables configure it, with the real defaults", () => {
  expect(readMinerConfig({})).toMatchObject({
    host: '0.0.0.0',
    port: 8091,
    enableKontextEdit: false,
    outputDir: './output',
    inferenceWorkers: 1,
    inferenceQueueMaxsize: 0,
    callbackTimeoutSeconds: 30,
    jobRecordTtlSeconds: 300,
    editLatencyMs: 0,
    stepLatencyMs: 0,
    callbackHoldSeconds: 8,
    blocksWhileEditing: false,
    protocolRevision: 'both',
    faults: [],
  });
  expect(
    readMinerConfig({
      MINER_SERVER_PORT: '9000',
      ENABLE_KONTEXT_EDIT: 'true',
      INFERENCE_WORKERS: '2',
      MINER_EDIT_LATENCY_MS: '200',
      MINER_STEP_LATENCY_MS: '100',
      MINER_CALLBACK_HOLD_SECONDS: '2.5',
      MINER_BLOCKS_WHILE_EDITING: 'true',
      MINER_FAULTS: 'seed-ignored, result-missing',
    }),
  ).toMatchObject({
    port: 9000,
    enableKontextEdit: true,
    inferenceWorkers: 2,
    editLatencyMs: 200,
    stepLatencyMs: 100,
    callbackHoldSeconds: 2.5,
    blocksWhileEditing: true,
    faults: ['seed-ignored', 'result-missing'],
  });
});

for (const [variable, value, says] of [
  ['MINER_SERVER_PORT', 'eighty', /MINER_SERVER_PORT="eighty" is not accepted/],
  ['ENABLE_KONTEXT_EDIT', 'sure', /ENABLE_KONTEXT_EDIT="sure" is not accepted/],
  ['INFERENCE_WORKERS', '0', /INFERENCE_WORKERS="0" is not accepted/],
  ['MINER_STEP_LATENCY_MS', '-5', /MINER_STEP_LATENCY_MS="-5" is not accepted/],
  ['MINER_CALLBACK_HOLD_SECONDS', '-1', /MINER_CALLBACK_HOLD_SECONDS="-1" is not accepted/],
  ['MINER_PROTOCOL_REVISION', 'newest', /MINER_PROTOCOL_REVISION="newest" is not accepted/],
  [
    'MINER_FAULTS',
    'seed-ignored,nope',
    /MINER_FAULTS="seed-ignored,nope" is not accepted \(known faults are unstable-pixels, .*\): fix MINER_FAULTS/,
  ],
] as const) {
  test(`a bad ${variable} stops the miner with one sentence and exit code 1`, async () => {
    const { child, output } = startEntryPoint(MAIN, { [variable]: value });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output.stderr).toMatch(says);
    expect(output.stderr).not.toMatch(/^\s+at /m);
  });
}

test("npm run miner's entry listens, answers /health, logs one line per job, and stops on SIGTERM", async ({ imageB64 }, testInfo) => {
  const { child, output } = startEntryPoint(MAIN, {
    MINER_SERVER_HOST: '127.0.0.1',
    MINER_SERVER_PORT: '0',
    ENABLE_KONTEXT_EDIT: 'true',
    OUTPUT_DIR: testInfo.outputPath('out'),
  });
  try {
    const url = await waitUntil(() => /listening on (http:\/\/\S+)/.exec(output.stdout)?.[1], {
      timeoutMs: 15_000,
      describe: () => `the miner printed no listening line: ${output.stdout}${output.stderr}`,
    });
    expect(output.stdout).toContain('(kontext edit enabled, protocol revision both, faults: none)');
    expect((await (await fetch(`${url}/health`)).json()).services.kontext_edit).toBe('loaded');
    await fetch(`${url}/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'logged-job' }),
    });
    await waitUntil(() => (output.stdout.includes('job logged-job') ? true : undefined), {
      timeoutMs: 10_000,
      describe: () => `no log line for the job: ${output.stdout}`,
    });
    expect(output.stdout).toMatch(/job logged-job source=base64 seed=1 completed in \d+ ms/);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
});

test('dies-mid-job under npm run miner: the first edit ends the process with exit code 1 and a line saying so', async ({
  imageB64,
}, testInfo) => {
  const { child, output } = startEntryPoint(MAIN, {
    MINER_SERVER_HOST: '127.0.0.1',
    MINER_SERVER_PORT: '0',
    ENABLE_KONTEXT_EDIT: 'true',
    OUTPUT_DIR: testInfo.outputPath('out'),
    MINER_FAULTS: 'dies-mid-job',
  });
  const exited = once(child, 'exit');
  try {
    const url = await waitUntil(() => /listening on (http:\/\/\S+)/.exec(output.stdout)?.[1], {
      timeoutMs: 15_000,
      describe: () => `the miner printed no listening line: ${output.stdout}${output.stderr}`,
    });
    await fetch(`${url}/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', seed: 1, image_b64: imageB64 }),
    }).catch(() => undefined); // the answer may or may not get out before the process ends
    const [code] = await exited;
    expect(code).toBe(1);
    expect(output.stderr).toMatch(/died mid-job \(fault dies-mid-job\).*exits with code 1/);
  } finally {
    child.kill('SIGTERM');
  }
});
