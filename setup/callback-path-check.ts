import type { APIRequestContext } from '@playwright/test';
import { describeTransportFailure } from '../lib/transport-failure.ts';
import { parseJsonOrUndefined } from '../lib/wire-body.ts';
import { formatSeconds, sleep } from '../lib/wait-until.ts';
import { JobRecordSchema, MinerAcceptedSchema, parseIsoTimestamp, type CallbackDelivery, type JobRecord } from '../protocol/edit-job.ts';
import type { CallbackAddress } from './callback-address.ts';
import { OperatorError } from './operator-error.ts';
import type { CallbackServer } from '../lib/callback-server.ts';
import { undeliveredSentence } from '../lib/callback-misses.ts';

/** The job ids of global setup's jobs begin with this: a bench tells them from the tests' jobs. */
export const SETUP_JOB_PREFIX = 'e2e-setup-';

const DROPPED_RETRY_PAUSE_MS = 100;

/** A job global setup submitted and timed as the orchestrator times it: creation before the POST, dispatch at its answer. */
export type SubmittedJob = {
  jobId: string;
  /** The body as sent. */
  body: Record<string, unknown>;
  createdMs: number;
  dispatchedMs: number;
  /** Why the miner did not accept the job as sent (another status, another job_id), in one sentence; undefined when it did. */
  refusal?: string;
};

export type FirstJobProbe = {
  minerUrl: string;
  callback: CallbackAddress;
  /** Setup's receiver; absent with an external receiver (ASYNC_USE_EXTERNAL_CALLBACK), which the body's callback_url names. */
  receiver?: CallbackServer;
  jobTimeoutMs: number;
  callbackTimeoutMs: number;
  httpTimeoutMs: number;
  /** How long a compliant miner holds the callback (ASYNC_VALIDATOR_MIN_SECONDS). */
  holdMs: number;
  log: (line: string) => void;
  /** Called once the first job's record says it ended, while its callback is still held: submit the next jobs then. */
  afterEdit?: () => Promise<void>;
};

/** POSTs one job body and times it; a miner that gives no answer stops the run, any answer is left for the tests to judge. */
export async function submitTimed(
  api: APIRequestContext,
  minerUrl: string,
  body: Record<string, unknown> & { job_id: string },
  httpTimeoutMs: number,
): Promise<SubmittedJob> {
  const createdMs = performance.timeOrigin + performance.now();
  const answer = await api
    .post(`${minerUrl}/edit`, { data: body, failOnStatusCode: false, timeout: httpTimeoutMs })
    .catch((error: Error) => {
      throw minerSilent(minerUrl, `POST /edit of global setup's job ${body.job_id}`, error, httpTimeoutMs);
    });
  const dispatchedMs = performance.timeOrigin + performance.now();
  const text = (await answer.body()).toString('utf8');
  const accepted = MinerAcceptedSchema.safeParse(parseJsonOrUndefined(Buffer.from(text)));
  const jobId = body.job_id;
  const refusal =
    answer.status() !== 200 && answer.status() !== 202
      ? `POST /edit should accept the job ${jobId} with 200, but the miner answered ${answer.status()} with ${text.slice(0, 200) || 'an empty body'}.`
      : answer.status() === 200 && accepted.data?.job_id !== jobId
        ? `POST /edit should keep the client's job_id "${jobId}", but the miner answered job_id "${accepted.data?.job_id ?? '(none)'}".`
        : undefined;
  return { jobId, body, createdMs, dispatchedMs, ...(refusal ? { refusal } : {}) };
}

/**
 * Global setup's first job, which is also the miner's first edit of the run: it must end (else the run stops here,
 * in one sentence, rather than in the first test), and its callback must reach the receiver, or the job's record
 * says why the miner could not deliver it (its own error, such as "connect ECONNREFUSED 192.0.2.1:19660"), which stops
 * the run too. A compliant miner holds that callback until 8 s after the request arrived, so `afterEdit` starts the
 * next jobs as soon as the edit itself is done.
 */
export async function runFirstJob(api: APIRequestContext, probe: FirstJobProbe, job: SubmittedJob): Promise<ProbeOutcome> {
  const { jobId } = job;
  const callbackUrl = String(job.body.callback_url);
  probe.log(`Proving the callback path with the first job, ${jobId}, calling back ${callbackUrl}.`);
  if (job.refusal) return notProven(probe, `Callback path not proven: ${job.refusal} The tests will say why.`);
  const seen: { record?: JobRecord } = {};
  let next: Promise<void> | undefined;
  const startNext = () => (next ??= probe.afterEdit?.() ?? Promise.resolve());
  const outcome = await awaitDelivery(api, probe, jobId, seen, startNext);
  // A miner that calls back before its record says completed still gets the next jobs.
  await startNext();
  // The callback may come before the record was read as ended: read it once for the miner's pace.
  if (!seen.record?.completed_at)
    seen.record = (await readRecord(api, probe, jobId, probe.httpTimeoutMs).catch(() => undefined)) ?? seen.record;
  const pace = paceOf(seen.record, Number(job.body.num_inference_steps ?? 28));
  const took = formatSeconds(performance.timeOrigin + performance.now() - job.createdMs);
  if (outcome === 'silent')
    return notProven(
      probe,
      `Callback path not proven: the first job ${jobId} ended but no callback arrived within ${formatSeconds(probe.callbackTimeoutMs)} and its record names no delivery; callback tests will fail if the miner cannot reach ${callbackUrl}.`,
      pace,
    );
  if (outcome === 'arrived' || (outcome.status === 'delivered' && !probe.receiver)) {
    probe.log(
      `Callback path proven: the miner's callback reached ${probe.receiver ? 'the receiver' : 'the external receiver'} ${took} after submission.`,
    );
    return { proven: true, pace };
  }
  if (outcome.status === 'failed' || outcome.status === 'error' || outcome.status === 'delivered')
    throw new OperatorError(undeliveredSentence(callbackUrl, outcome, probe.callback, !!probe.receiver));
  probe.log(`Callback path not proven: the first job's callback was recorded ${outcome.status}.`);
  return { proven: false, pace };
}

/** How long an edit of `steps` steps took on the miner, from its own record. */
export type JobPace = { durationMs: number; steps: number };

/** Whether the miner's callback reached the receiver, and the first job's pace when its record gave one. */
export type ProbeOutcome = { proven: boolean; pace?: JobPace };

function notProven(probe: FirstJobProbe, sentence: string, pace?: JobPace): ProbeOutcome {
  probe.log(sentence);
  return { proven: false, pace };
}

function paceOf(record: JobRecord | undefined, steps: number): JobPace | undefined {
  if (!record?.started_at || !record.completed_at) return undefined;
  const durationMs = parseIsoTimestamp(record.completed_at) - parseIsoTimestamp(record.started_at);
  return durationMs > 0 ? { durationMs, steps } : undefined;
}

type Outcome = 'arrived' | 'silent' | CallbackDelivery;

/**
 * Reads the job's record until the callback arrived or the record says what became of it. A job that never ends, and
 * a miner that stops answering, stop the run here: the first test would only meet the same silence later.
 */
async function awaitDelivery(
  api: APIRequestContext,
  probe: FirstJobProbe,
  jobId: string,
  seen: { record?: JobRecord },
  onEnded: () => unknown,
): Promise<Outcome> {
  // Bounded as the whole probe is: the job's deadline, then the callback's after the hold.
  const arrival = probe.receiver?.waitFor(jobId, { timeoutMs: probe.jobTimeoutMs + probe.holdMs + probe.callbackTimeoutMs }).then(
    () => true,
    () => false,
  );
  let arrived = false;
  void arrival?.then((came) => (arrived = came));
  const jobDeadline = performance.now() + probe.jobTimeoutMs;
  let callbackDeadline: number | undefined;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    if (arrived) return 'arrived';
    // Each read is bounded by what is left of the job's deadline too: a hung miner is named within it.
    const left = callbackDeadline === undefined ? jobDeadline - performance.now() : probe.httpTimeoutMs;
    const record = await readRecord(api, probe, jobId, Math.max(1, Math.min(probe.httpTimeoutMs, left)));
    if (record) seen.record = record;
    if (arrived) return 'arrived';
    if (record?.callback) return record.callback;
    const ended = record?.status === 'completed' || record?.status === 'failed';
    if (ended && callbackDeadline === undefined) {
      onEnded();
      // A compliant miner holds the callback until 8 s after the request: the callback's deadline counts from then.
      callbackDeadline = performance.now() + probe.callbackTimeoutMs + probe.holdMs;
    }
    if (callbackDeadline !== undefined && performance.now() > callbackDeadline) return 'silent';
    if (callbackDeadline === undefined && performance.now() > jobDeadline)
      throw new OperatorError(
        `Global setup's first job ${jobId} did not end within ${formatSeconds(probe.jobTimeoutMs)} (ASYNC_JOB_TIMEOUT_SECONDS): its record last said ${record ? `status ${record.status}` : 'nothing readable'}; every accepted job must reach completed or failed, so check the miner's log for an edit that hangs or died.`,
      );
    // The callback ends the pause: its arrival is seen at once, not at the next read of the record.
    await sleep(pause, arrival);
  }
}

async function readRecord(api: APIRequestContext, probe: FirstJobProbe, jobId: string, timeoutMs: number): Promise<JobRecord | undefined> {
  const read = () => api.get(`${probe.minerUrl}/edit/status/${encodeURIComponent(jobId)}`, { failOnStatusCode: false, timeout: timeoutMs });
  const answer = await read()
    // A keep-alive socket the miner closed as the read went out says nothing of the miner: one retry, as the tests' client makes.
    .catch(async (error: Error) => {
      if (!describeTransportFailure(error, timeoutMs)?.dropped) throw error;
      await sleep(DROPPED_RETRY_PAUSE_MS, undefined);
      return read();
    })
    .catch((error: Error) => {
      // A read cut short by the job's own deadline says so: the operator's setting to raise is that one.
      const cut = timeoutMs < probe.httpTimeoutMs ? ' (what was left of ASYNC_JOB_TIMEOUT_SECONDS)' : '';
      throw minerSilent(probe.minerUrl, `GET /edit/status/${jobId} during global setup's first job`, error, timeoutMs, cut);
    });
  const record = JobRecordSchema.safeParse(parseJsonOrUndefined(await answer.body()));
  return record.success ? record.data : undefined;
}

/** The sentence that stops the run when the miner does not answer setup: refused, or silent past the call's deadline. */
function minerSilent(minerUrl: string, call: string, error: Error, timeoutMs: number, deadlineNote = ''): OperatorError {
  const failure = describeTransportFailure(error, timeoutMs);
  if (!failure)
    return new OperatorError(
      `The miner at ${minerUrl} failed on ${call}: ${error.message.split('\n')[0]}; check that it still runs and read its log.`,
    );
  return new OperatorError(
    `The miner at ${minerUrl} ${failure.cause}${failure.code === 'timeout' ? deadlineNote : ''} on ${call}, at ${new Date().toISOString()}: ${failure.advice}.`,
  );
}
