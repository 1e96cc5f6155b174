import type { CallbackDelivery, JobRecord } from '../protocol/edit-job.ts';
import type { ImageSource } from '../protocol/edit-job.ts';
import type { ParsedEditRequest } from '../protocol/edit-job.ts';

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
};

export function newRecord(id: string, request: ParsedEditRequest, source: ImageSource | null, queuedAt: string): JobRecord {
  return {
    id,
    status: 'queued',
    queued_at: queuedAt,
    request: {
      prompt: request.prompt,
      reference_job_id: request.reference_job_id ?? null,
      image_source: source,
      seed: request.seed,
      guidance_scale: request.guidance_scale,
      num_inference_steps: request.num_inference_steps,
      callback_url: request.callback_url ?? null,
      callback_secret_provided: !!request.callback_secret,
      expiry: request.expiry ?? null,
    },
  };
}

export type { CallbackDelivery, JobRecord };
