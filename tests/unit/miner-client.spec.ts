import { test as base, expect } from '@playwright/test';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { MinerSession, type MinerSessionOptions } from '../../fixtures/miner-session.ts';
import { minerAccepted, type JobRecord } from '../../protocol/edit-job.ts';
import { startScriptedServer, type ScriptedAnswer, type ScriptedRequest } from '../support/scripted-server.ts';

// The miner session (and the thin client under it) against scripted miners: what a real miner, a proxy or a broken one may answer.

const JOB = 'job-1';
const ACCEPTED = minerAccepted(JOB);

function record(status: JobRecord['status'], extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id: JOB,
    status,
    queued_at: '2025-01-31T12:00:00.000000',
    request: {
      prompt: 'p',
      seed: 1,
      guidance_scale: 2.5,
      num_inference_steps: 28,
      callback_secret_provided: false,
      image_source: 'base64',
    },
    ...extra,
  };
}

type Script = (request: ScriptedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;

/** A miner accepting every edit as JOB, whose status answers come from `status`, and whose result is `png`. */
function minerScript(status: () => ScriptedAnswer, png?: Buffer): Script {
  return ({ method, path }) => {
    if (method === 'POST' && path === '/edit') return { status: 200, body: ACCEPTED };
    if (path === `/edit/status/${JOB}`) return status();
    if (path === `/edit/result/${JOB}` && png) return { status: 200, body: png, contentType: 'image/png' };
    return { status: 404, body: { detail: 'Not Found' } };
  };
}

const test = base.extend<{ clientOf: (script: Script, options?: Partial<MinerSessionOptions>) => Promise<MinerSession> }>({
  clientOf: async ({ playwright }, use) => {
    const closers: (() => Promise<void>)[] = [];
    await use(async (script, options = {}) => {
      const server = await startScriptedServer(script);
      const api = await playwright.request.newContext({ baseURL: server.url });
      closers.push(() => api.dispose(), server.close);
      return new MinerSession(api, {
        minerUrl: server.url,
        jobTimeoutMs: 5_000,
        callbackTimeoutMs: 5_000,
        httpTimeoutMs: 2_000,
        newJobId: () => JOB,
        defaults: () => ({ prompt: 'p', seed: 1, image_b64: 'AA==' }),
        ...options,
      });
    });
    for (const close of closers) await close();
  },
});

test('a 202 from the reverse proxy with a job_id counts as accepted, and the edit goes on', async ({ clientOf }) => {
  const png = await sampleImage({ width: 32, height: 32 });
  const proxied: Script = (request) =>
    request.method === 'POST'
      ? { status: 202, body: { status: 'queued', job_id: JOB, detail: 'miner slow to answer; job forwarded', proxy_timeout_seconds: 10.0 } }
      : minerScript(() => ({ status: 200, body: record('completed') }), png)(request);
  const miner = await clientOf(proxied);
  const outcome = await miner.edit({}, { label: 'through the proxy' });
  expect(outcome.jobId).toBe(JOB);
  expect(outcome.png.equals(png)).toBe(true);
});

test('an answer that is not JSON is named in one sentence with the code and what came', async ({ clientOf }) => {
  const miner = await clientOf(() => ({ status: 200, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' }));
  await expect(miner.submit(miner.requestBody())).rejects.toThrow(
    'POST /edit: expected a JSON body, but the miner answered 200 with 41 bytes of text beginning `<html><body>502 Bad Gateway</body></html>`.',
  );
});

test('a status record that breaks the protocol names the field, the rule and the body', async ({ clientOf }) => {
  const miner = await clientOf(minerScript(() => ({ status: 200, body: { ...record('queued'), status: 'done' } })));
  await expect(miner.status(JOB)).rejects.toThrow(
    /^GET \/edit\/status\/job-1: field "status" breaks the protocol \(.+\); the miner answered 200 with \d+ bytes of text beginning `\{"id":"job-1","status":"done"/,
  );
});

test('a job that fails ends the edit with its own error', async ({ clientOf }) => {
  const miner = await clientOf(
    minerScript(() => ({ status: 200, body: record('failed', { error: 'CUDA out of memory', failed_at: '2025-01-31T12:00:01' }) })),
  );
  await expect(miner.edit({}, { label: 'doomed' })).rejects.toThrow('Job job-1 failed on the miner: CUDA out of memory.');
});

test('a job that never ends stops at its deadline, naming the job and what its record last said', async ({ clientOf }) => {
  const miner = await clientOf(minerScript(() => ({ status: 200, body: record('processing') })));
  await expect(miner.waitForEnd(JOB, { timeoutMs: 300 })).rejects.toThrow(
    'Timed out after 0.3 s: job job-1 never reached completed or failed; its record last said status processing.',
  );
});

test('an accepted job the miner then does not know, or already cleaned up, is named with what to do', async ({ clientOf }) => {
  const forgetful = await clientOf(minerScript(() => ({ status: 404, body: { detail: 'Job not found' } })));
  await expect(forgetful.status(JOB)).rejects.toThrow('GET /edit/status/job-1 answered 404: the miner does not know a job it accepted.');
  const cleaned = await clientOf(
    minerScript(() => ({ status: 200, body: { status: 'completed', note: 'job record cleaned up', job_id: JOB } })),
  );
  await expect(cleaned.status(JOB)).rejects.toThrow(/cleaned up before the suite read it; raise the miner's JOB_RECORD_TTL_SECONDS/);
});

test('a result that is not a PNG served as image/png is refused with its first bytes', async ({ clientOf }) => {
  const jpeg = Buffer.from('ffd8ffe000104a464946000101', 'hex');
  const miner = await clientOf(minerScript(() => ({ status: 200, body: record('completed') }), jpeg));
  await expect(miner.result(JOB)).rejects.toThrow(
    'GET /edit/result/job-1 should be a PNG file served as image/png, but came as image/png starting with bytes ffd8ffe000104a46.',
  );
});

/** A miner whose job completes `ms` after now, counting status polls. */
function jobCompletingIn(ms: number) {
  const completesAt = performance.now() + ms;
  const job = { completesAt, polls: 0, script: undefined as unknown as Script };
  job.script = minerScript(() => {
    job.polls += 1;
    return { status: 200, body: record(performance.now() >= completesAt ? 'completed' : 'processing') };
  });
  return job;
}

test('a wait reads the record at 20 ms, backing off to 250 ms: the end is noticed soon, and a production miner is not flooded', async ({
  clientOf,
}, testInfo) => {
  const job = jobCompletingIn(2_000);
  const miner = await clientOf(job.script);
  await miner.waitForEnd(JOB);
  const lagMs = performance.now() - job.completesAt;
  testInfo.annotations.push({ type: 'completion noticed', description: `${lagMs.toFixed(1)} ms late, ${job.polls} polls in 2 s` });
  // Backed off to at most 250 ms between polls: noticed within the job's own length, however busy the machine.
  expect(lagMs, 'milliseconds between completion and the client noticing').toBeLessThan(2_000);
  expect(job.polls, 'status polls during a 2 s job').toBeLessThanOrEqual(13);
});
