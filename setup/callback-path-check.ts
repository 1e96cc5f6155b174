import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext } from '@playwright/test';
import getPort from 'get-port';
import { sampleImage } from '../lib/images/sample-image.ts';
import { answerJson, headerFields } from '../lib/http-io.ts';
import { parseJsonOrUndefined } from '../lib/wire-body.ts';
import { formatSeconds, sleep } from '../lib/wait-until.ts';
import { JobRecordSchema, parseIsoTimestamp, type CallbackDelivery, type JobRecord } from '../protocol/edit-job.ts';
import type { CallbackAddress } from './callback-address.ts';
import { OperatorError } from './operator-error.ts';

// One denoising step on a 64×64 input: the cheapest job that makes the miner call back.
const PROBE_SIZE = 64;
export const PROBE_STEPS = 1;

/** The job ids of global setup's jobs begin with this: a bench tells them from the tests' jobs. */
export const SETUP_JOB_PREFIX = 'e2e-setup-';

export type CallbackPathProbe = {
  minerUrl: string;
  callback: CallbackAddress;
  /** ASYNC_CALLBACK_BASE_URL: with an external receiver the callback goes there. */
  externalBaseUrl?: string;
  secret: string;
  jobTimeoutMs: number;
  callbackTimeoutMs: number;
  httpTimeoutMs: number;
  log: (line: string) => void;
  /** Work for this process while the miner runs the setup job (painting the run's sample), awaited before the check ends. */
  whileJobRuns?: () => Promise<void>;
};

/**
 * Before any test waits on a callback, the miner itself must reach the receiver: one tiny job with a
 * callback_url, and either the callback arrives or the job's record says why the miner could not deliver
 * it (its own error, such as "connect ECONNREFUSED 192.0.2.1:19660"), which stops the run in one sentence.
 */
export async function proveCallbackPath(api: APIRequestContext, probe: CallbackPathProbe): Promise<ProbeOutcome> {
  const jobId = `${SETUP_JOB_PREFIX}callback-${randomUUID()}`;
  const receiver =
    probe.callback.rule === 'external'
      ? undefined
      : await startSetupReceiver(probe.callback, probe.callback.preferredPort ?? (await getPort({ host: probe.callback.bindHost })));
  const callbackUrl = receiver ? `${receiver.baseUrl}/callback/${jobId}` : `${probe.externalBaseUrl!.replace(/\/+$/, '')}/callback`;
  try {
    probe.log(
      `Proving the callback path: one ${PROBE_SIZE}×${PROBE_SIZE} edit at num_inference_steps ${PROBE_STEPS} (it costs the miner one denoising step) calling back ${callbackUrl}.`,
    );
    const started = performance.now();
    const submitted = await api.post(`${probe.minerUrl}/edit`, {
      data: {
        prompt: 'setup: prove the callback path',
        seed: 1,
        image_b64: (await sampleImage({ width: PROBE_SIZE, height: PROBE_SIZE })).toString('base64'),
        num_inference_steps: PROBE_STEPS,
        job_id: jobId,
        callback_url: callbackUrl,
        callback_secret: probe.secret,
      },
      failOnStatusCode: false,
      timeout: probe.httpTimeoutMs,
    });
    if (submitted.status() !== 200 && submitted.status() !== 202)
      return notProven(
        probe,
        `Callback path not proven: POST /edit answered ${submitted.status()} to the setup job; the tests will say why.`,
      );
    const seen: { record?: JobRecord } = {};
    const sideWork = probe.whileJobRuns?.();
    const outcome = await awaitDelivery(api, probe, jobId, receiver, seen).finally(() => sideWork);
    // The callback may come before the record was read as ended: read it once for the miner's pace.
    if (!seen.record?.completed_at) seen.record = await readRecord(api, probe, jobId).catch(() => seen.record);
    const pace = paceOf(seen.record);
    const took = formatSeconds(performance.now() - started);
    if (outcome === 'silent')
      return notProven(
        probe,
        `Callback path not proven: the setup job ${jobId} ended but no callback arrived within ${formatSeconds(probe.callbackTimeoutMs)} and its record names no delivery; callback tests will fail if the miner cannot reach ${callbackUrl}.`,
      );
    if (outcome === 'unfinished')
      return notProven(probe, `Callback path not proven: the setup job ${jobId} did not end within ${formatSeconds(probe.jobTimeoutMs)}.`);
    if (outcome === 'arrived' || (outcome.status === 'delivered' && !receiver)) {
      probe.log(
        `Callback path proven: the miner's callback reached ${receiver ? 'the receiver' : 'the external receiver'} ${took} after submission.`,
      );
      return { proven: true, pace };
    }
    if (outcome.status === 'failed' || outcome.status === 'error' || outcome.status === 'delivered')
      throw new OperatorError(undeliveredSentence(callbackUrl, outcome, probe.callback, !!receiver));
    probe.log(`Callback path not proven: the setup job's callback was recorded ${outcome.status}.`);
    return { proven: false, pace };
  } finally {
    await receiver?.close();
  }
}

/** One sentence for a callback the miner recorded as not delivered: its own words, then the setting to fix. */
export function undeliveredSentence(
  callbackUrl: string,
  delivery: CallbackDelivery,
  callback?: CallbackAddress,
  ownReceiver = true,
): string {
  const said =
    delivery.status === 'delivered'
      ? `its record says delivered with ${delivery.status_code ?? 'no'} status, yet the suite's receiver got nothing: something else answers at that address`
      : `its record says callback ${delivery.status} (${JSON.stringify(delivery.error ?? delivery.response_preview ?? `status ${delivery.status_code}`)})`;
  const rule = callback ? ` (the address came from rule ${callback.rule}: ${callback.explanation})` : '';
  const fix = ownReceiver
    ? "set ASYNC_CALLBACK_BASE_URL to an address of this machine the miner can reach; a miner in Docker reaches it through its network's gateway (docker network inspect <project>_default → IPAM.Config[0].Gateway, e.g. http://172.18.0.1:8092)"
    : 'start the external receiver or fix ASYNC_CALLBACK_BASE_URL';
  return `The miner could not deliver a callback to ${callbackUrl}: ${said}${rule}; ${fix}.`;
}

/** How long an edit of `steps` steps took on the miner, from its own record. */
export type JobPace = { durationMs: number; steps: number };

/** Whether the miner's callback reached the receiver, and the setup job's pace when its record gave one. */
export type ProbeOutcome = { proven: boolean; pace?: JobPace };

function notProven(probe: CallbackPathProbe, sentence: string): ProbeOutcome {
  probe.log(sentence);
  return { proven: false };
}

function paceOf(record: JobRecord | undefined): JobPace | undefined {
  if (!record?.started_at || !record.completed_at) return undefined;
  const durationMs = parseIsoTimestamp(record.completed_at) - parseIsoTimestamp(record.started_at);
  return durationMs > 0 ? { durationMs, steps: PROBE_STEPS } : undefined;
}

type Outcome = 'arrived' | 'silent' | 'unfinished' | CallbackDelivery;

/** Reads the job's record until the callback arrived, the record says what became of it, or the deadlines pass. */
async function awaitDelivery(
  api: APIRequestContext,
  probe: CallbackPathProbe,
  jobId: string,
  receiver: { arrived: boolean; arrival: Promise<void> } | undefined,
  seen: { record?: JobRecord },
): Promise<Outcome> {
  const jobDeadline = performance.now() + probe.jobTimeoutMs;
  let callbackDeadline: number | undefined;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    if (receiver?.arrived) return 'arrived';
    const record = await readRecord(api, probe, jobId);
    if (record) seen.record = record;
    if (receiver?.arrived) return 'arrived';
    if (record?.callback) return record.callback;
    const ended = record?.status === 'completed' || record?.status === 'failed';
    if (ended) callbackDeadline ??= performance.now() + probe.callbackTimeoutMs;
    if (callbackDeadline !== undefined && performance.now() > callbackDeadline) return 'silent';
    if (callbackDeadline === undefined && performance.now() > jobDeadline) return 'unfinished';
    // The callback ends the pause: its arrival is seen at once, not at the next read of the record.
    await sleep(pause, receiver?.arrival);
  }
}

async function readRecord(api: APIRequestContext, probe: CallbackPathProbe, jobId: string): Promise<JobRecord | undefined> {
  const answer = await api.get(`${probe.minerUrl}/edit/status/${jobId}`, { failOnStatusCode: false, timeout: probe.httpTimeoutMs });
  const record = JobRecordSchema.safeParse(parseJsonOrUndefined(await answer.body()));
  return record.success ? record.data : undefined;
}

/** A callback as global setup's receiver took it, kept for the worker that judges its job. */
export type StoredCallback = { method: string; path: string; headers: Record<string, string>; bodyBase64: string; receivedAtMs: number };

// A callback carries one PNG of a megapixel or so; more than this is kept cut, as the workers' receivers cut it.
const STORED_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Global setup's receiver: any POST counts as a callback's arrival, answered 200 as a validator does; with `keep`,
 * each callback is handed over whole, for jobs whose callbacks a test judges later.
 */
export async function startSetupReceiver(callback: CallbackAddress, port: number, keep?: (stored: StoredCallback) => void) {
  const state = { arrived: false };
  let arrived = () => {};
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((request, response) => {
    const receivedAtMs = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (keep && size <= STORED_BODY_LIMIT) chunks.push(chunk);
    });
    request.on('end', () => {
      if (request.method === 'POST') {
        state.arrived = true;
        arrived();
      }
      const bodyBase64 = Buffer.concat(chunks).toString('base64');
      keep?.({ method: request.method ?? 'POST', path: request.url ?? '/', headers: headerFields(request), bodyBase64, receivedAtMs });
      answerJson(response, 200, { status: 'success' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, callback.bindHost, () => resolve());
  });
  const host = callback.publicHost.includes(':') && !callback.publicHost.startsWith('[') ? `[${callback.publicHost}]` : callback.publicHost;
  return {
    baseUrl: `${callback.protocol}//${host}:${(server.address() as AddressInfo).port}`,
    get arrived() {
      return state.arrived;
    },
    /** Settles when the first POST has come. */
    arrival,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
