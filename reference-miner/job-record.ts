import type { CallbackDelivery, JobRecord } from '../protocol/edit-job.ts';
import type { ImageSource } from '../protocol/edit-job.ts';
import type { ParsedEditRequest } from '../protocol/edit-job.ts';
import type { Faults } from './faults.ts';
import { isoNow } from './iso-now.ts';

/** Where a job's input comes from, decided at submission (seed protocol) or in the worker (image_url, later revision). */
export type InputPlan =
  | { kind: 'bytes'; bytes: Buffer; source: ImageSource }
  | { kind: 'worker'; imageUrl: string | undefined; imageB64: string | undefined }
  | { kind: 'blank'; source: ImageSource };

/** A job as the miner holds it: the wire record plus what the worker needs. */
export type Job = {
  record: JobRecord;
  request: ParsedEditRequest;
  input: InputPlan;
  callbackSecret: string | undefined;
  expiresAtMs: number | undefined;
  /** When its POST /edit arrived (epoch ms): a completed job's callback is held until callbackHoldSeconds after it. */
  arrivedAtMs: number;
};

/** The record at /edit/status; its request echo never carries the secret, unless a fault says so. */
export function newRecord(id: string, request: ParsedEditRequest, source: ImageSource | null, queuedAt: string, faults: Faults): JobRecord {
  const echoesDefaults = faults.has('request-echo-defaults');
  return {
    id,
    status: 'queued',
    queued_at: queuedAt,
    request: {
      prompt: request.prompt,
      reference_job_id: request.reference_job_id ?? null,
      image_source: source,
      seed: request.seed,
      guidance_scale: echoesDefaults ? 2.5 : request.guidance_scale,
      num_inference_steps: echoesDefaults ? 28 : request.num_inference_steps,
      callback_url: request.callback_url ?? null,
      callback_secret_provided: !!request.callback_secret,
      ...(faults.has('secret-in-record') && { callback_secret: request.callback_secret ?? null }),
      expiry: request.expiry ?? null,
    },
  };
}

export type { CallbackDelivery, JobRecord };

/** The record's end: completed or failed now, with the failure's error. */
export function markEnded(job: Job, status: 'completed' | 'failed', error?: string): void {
  const now = isoNow();
  job.record.status = status;
  if (status === 'completed') job.record.completed_at = now;
  else Object.assign(job.record, { failed_at: now, error });
}
