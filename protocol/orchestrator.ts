import { randomBytes } from 'node:crypto';
import { z } from 'zod';

// What the subnet's orchestrator (impel-intelligence/dippy-studio-bittensor-orchestrator, read at 44a4866) sends a
// Kontext miner and how it scores what comes back: each number here names the file it comes from, so a change
// upstream is one edit (docs/protocol.md, "What validators send and expect").

/** A callback sooner than this after the job's creation fails it (orchestrator/services/callback_service.py, _FLUX_KONTEXT_MIN_RUNTIME_MS). */
export const MIN_RUNTIME_MS = 8_000;
/** A callback later than this after the answer to the dispatch fails it (orchestrator/services/job_scoring.py, H100_KONTEXT_MAX_LATENCY_MS). */
export const MAX_LATENCY_MS = 15_000;
/** The runtime at which a success scores nothing (orchestrator/services/job_scoring.py, DEFAULT_MAX_LATENCY_MS). */
export const SCORE_HORIZON_MS = 60_000;
/** The weight of a Kontext job's score (orchestrator/services/job_scoring.py, _JOB_TYPE_WEIGHTS["img-h100_pcie"]). */
export const KONTEXT_WEIGHT = 0.8;
/** Each failure keeps this share of the score (orchestrator/config.py, failure_penalty_weight 0.2; score_service.py, register_failure). */
export const FAILURE_KEEPS = 1 - 0.2;
/** The job type Kontext jobs are dispatched as, and the capacity key they need (orchestrator/services/listen_service.py). */
export const KONTEXT_TASK_TYPE = 'img-h100_pcie';

/** The orchestrator's names for why a Kontext job failed (callback_service.py, _finalize_status and the two timing checks). */
export const FAILURE_REASONS = {
  tooSoon: 'flux_kontext_min_runtime_violation',
  tooLate: 'flux_kontext_max_latency_violation',
  status: 'callback_status',
  noImage: 'empty_image_payload',
  secret: 'callback_secret_mismatch',
  noCallback: 'no callback (the job stays pending, never scored)',
} as const;

/** The unwanted traits every img-h100_pcie payload lists (orchestrator/common/payload_templates.py). */
export const DEFAULT_NEGATIVE_PROMPT =
  'bad quality, worst quality, text, signature, watermark, extra limbs, extra legs, extra arms, ' +
  'child, anime, watercolours, cartoonish, overexposed, nudity, explicit content';

/**
 * The body the orchestrator POSTs to a miner's /edit for a Kontext job: build_img_h100_pcie_payload
 * (orchestrator/common/payload_templates.py), then the secret the job is created with
 * (orchestrator/services/job_service.py) and what listen_service.py's _build_dispatch_payload adds, in that order;
 * sent as compact JSON (orchestrator/common/epistula_client.py). Never image_b64, reference_job_id or expiry.
 */
export const OrchestratorPayloadSchema = z.object({
  prompt: z.string(),
  negative_prompt: z.string(),
  image_url: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  guidance_scale: z.number(),
  num_inference_steps: z.number().int(),
  enable_safety_checker: z.boolean(),
  seed: z.number().int().min(0),
  callback_secret: z.string(),
  job_id: z.string(),
  callback_url: z.string(),
  task_type: z.literal(KONTEXT_TASK_TYPE),
  flux_mode: z.literal('kontext'),
});
export type OrchestratorPayload = z.infer<typeof OrchestratorPayloadSchema>;

/** One Kontext job's payload, field for field and in the orchestrator's order; the prompt, image and seed vary per job. */
export function orchestratorPayload(job: {
  prompt: string;
  imageUrl: string;
  seed: number;
  jobId: string;
  callbackUrl: string;
  callbackSecret: string;
}): OrchestratorPayload {
  return {
    prompt: job.prompt,
    negative_prompt: DEFAULT_NEGATIVE_PROMPT,
    image_url: job.imageUrl,
    width: 1024,
    height: 1024,
    guidance_scale: 4.0,
    num_inference_steps: 10,
    enable_safety_checker: false,
    seed: job.seed,
    callback_secret: job.callbackSecret,
    job_id: job.jobId,
    callback_url: job.callbackUrl,
    task_type: KONTEXT_TASK_TYPE,
    flux_mode: 'kontext',
  };
}

/** The audit broadcast's prompt: 32 random hex characters (orchestrator/runners/audit_broadcast.py). */
export function broadcastPrompt(): string {
  return randomBytes(16).toString('hex');
}

/** A seed as the orchestrator draws one: uniformly from [0, 2^32). */
export function orchestratorSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** A UUID of version 7 (time-ordered), the job_id the orchestrator makes. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 64 hex characters of the orchestrator's callback secret. */
export function orchestratorSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The moments of one job as the orchestrator stamps them, in epoch milliseconds. */
export type JobTimes = {
  /** The job's creation: for the suite, the moment before its POST was sent. */
  createdMs: number;
  /** The answer to the POST (`dispatched_at`). */
  dispatchedMs: number;
  /** The callback's arrival, or undefined when none came. */
  calledBackMs: number | undefined;
};

/** What the callback said, as far as the orchestrator reads it (orchestrator/routes/public.py). */
export type CallbackVerdictInput = {
  status: string | undefined;
  error: string | undefined;
  /** Bytes of the image part; undefined when there was none. */
  imageBytes: number | undefined;
  secretMatches: boolean;
};

/** What the orchestrator makes of one Kontext job: its score, or the reason it failed. */
export type JobVerdict =
  | { ok: true; totalRuntimeMs: number; latencyMs: number; score: number }
  | { ok: false; reason: string; detail: string; totalRuntimeMs?: number; latencyMs?: number };

/** The score of a successful Kontext job that took `totalRuntimeMs` (job_scoring.py, job_to_weighted_score). */
export function kontextScore(totalRuntimeMs: number): number {
  return KONTEXT_WEIGHT * (1 - Math.min(Math.max(totalRuntimeMs, 0) / SCORE_HORIZON_MS, 1));
}

/**
 * Judges one job as callback_service.py does, in its order: the secret, an empty image part, the two timing rules
 * (audit jobs sent to the trusted miner skip them, the miners' own do not), then the status and the error field.
 * `minRuntimeMs` and `maxLatencyMs` default to the orchestrator's; the suite's settings may scale them.
 */
export function judgeJob(
  times: JobTimes,
  callback: CallbackVerdictInput | undefined,
  { minRuntimeMs = MIN_RUNTIME_MS, maxLatencyMs = MAX_LATENCY_MS } = {},
): JobVerdict {
  if (!callback || times.calledBackMs === undefined)
    return { ok: false, reason: FAILURE_REASONS.noCallback, detail: 'no callback arrived' };
  // The orchestrator truncates both to whole milliseconds (int(...)).
  const totalRuntimeMs = Math.trunc(times.calledBackMs - times.createdMs);
  const latencyMs = Math.trunc(times.calledBackMs - times.dispatchedMs);
  const timed = { totalRuntimeMs, latencyMs };
  if (!callback.secretMatches)
    return { ok: false, reason: FAILURE_REASONS.secret, detail: 'the X-Callback-Secret header is not the job’s secret', ...timed };
  if (callback.imageBytes === 0) return { ok: false, reason: FAILURE_REASONS.noImage, detail: 'the image part is empty', ...timed };
  if (latencyMs > maxLatencyMs)
    return {
      ok: false,
      reason: FAILURE_REASONS.tooLate,
      detail: `the callback came ${seconds(latencyMs)} after the POST's answer, over the ${seconds(maxLatencyMs)} allowed`,
      ...timed,
    };
  if (totalRuntimeMs < minRuntimeMs)
    return {
      ok: false,
      reason: FAILURE_REASONS.tooSoon,
      detail: `the callback came ${seconds(totalRuntimeMs)} after the job was created, under the ${seconds(minRuntimeMs)} minimum`,
      ...timed,
    };
  const status = (callback.status ?? '').trim().toLowerCase();
  if (status === 'failed' || status === 'error' || (callback.error ?? '').trim())
    return {
      ok: false,
      reason: `${FAILURE_REASONS.status}:${callback.status ?? ''}`,
      detail: (callback.error ?? '').trim()
        ? `the callback carries the error ${JSON.stringify(callback.error)}`
        : `the callback says status ${callback.status}`,
      ...timed,
    };
  return { ok: true, ...timed, score: kontextScore(totalRuntimeMs) };
}

/**
 * The score a run of jobs leaves, replayed in the order their callbacks came as score_service.py keeps it with the
 * deployed settings (alpha 1.0): each success replaces the score with its own, each failure keeps FAILURE_KEEPS of it.
 */
export function steadyScore(verdicts: readonly JobVerdict[]): number {
  let score = 0;
  for (const verdict of verdicts) score = verdict.ok ? verdict.score : score * FAILURE_KEEPS;
  return score;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
