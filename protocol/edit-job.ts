import { z } from 'zod';

// The edit job on the wire: POST /edit, its answers, and the record at GET /edit/status/{id}.
// Shared by the suite (to parse every answer) and the reference miner (to validate requests).

// Python's isoformat(): optional fraction (microseconds) and optional zone; a time without zone is UTC.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

export const IsoTimestampSchema = z.string().regex(ISO_TIMESTAMP, 'an ISO-8601 date-time such as 2025-01-31T12:00:00.000000');

/** Milliseconds since the epoch of an ISO timestamp, reading a zone-less time as UTC as the miner does. */
export function parseIsoTimestamp(value: string): number {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  return Date.parse(hasZone ? value : `${value}Z`);
}

/** The steps the miner runs when a request leaves num_inference_steps out. */
export const DEFAULT_STEPS = 28;

/** What validators send: every edit the suite makes has this shape unless its rule is about steps or defaults. */
export const VALIDATOR_SHAPE = { guidance_scale: 4.0, num_inference_steps: 10 } as const;

/** The body of POST /edit. Unknown fields (such as `strength`) are stripped, as the miner ignores them. */
export const EditRequestSchema = z.object({
  prompt: z.string(),
  seed: z.number().int(),
  image_b64: z.string().nullish(),
  reference_job_id: z.string().nullish(),
  image_url: z.string().nullish(),
  guidance_scale: z.number().min(1).max(20).default(2.5),
  num_inference_steps: z.number().int().min(1).max(100).default(DEFAULT_STEPS),
  job_id: z.string().nullish(),
  callback_url: z.string().nullish(),
  callback_secret: z.string().nullish(),
  expiry: IsoTimestampSchema.nullish(),
});

/** What a client may send (defaults optional). */
export type EditRequest = z.input<typeof EditRequestSchema>;
/** What a miner works with once defaults are applied. */
export type ParsedEditRequest = z.output<typeof EditRequestSchema>;

/** 200 from the miner itself. */
export const MinerAcceptedSchema = z.looseObject({
  accepted: z.literal(true),
  job_id: z.string().min(1),
  status: z.literal('queued'),
  message: z.string().optional(),
  status_url: z.string(),
  result_url: z.string(),
});

/** The miner's 200 for an accepted edit job, as every miner (and every stand-in of one) words it. */
export function minerAccepted(jobId: string): z.infer<typeof MinerAcceptedSchema> {
  return {
    accepted: true,
    job_id: jobId,
    status: 'queued',
    message: 'Edit job queued',
    status_url: `/edit/status/${jobId}`,
    result_url: `/edit/result/${jobId}`,
  };
}

/** 202 from the subnet's reverse proxy when the miner took longer than its wait; still accepted. */
export const ProxyAcceptedSchema = z.looseObject({
  status: z.literal('queued'),
  job_id: z.string().min(1),
  detail: z.string().optional(),
  proxy_timeout_seconds: z.number().optional(),
});

export const EditAcceptedSchema = z.union([MinerAcceptedSchema, ProxyAcceptedSchema]);
export type EditAccepted = z.infer<typeof EditAcceptedSchema>;

/** Which image a job edits, as `request.image_source` reports it (seed and later protocol values). */
export const ImageSourceSchema = z.enum([
  'reference_edit',
  'reference_inference',
  'base64_fallback',
  'base64',
  'url',
  'url_fallback_to_base64',
]);
export type ImageSource = z.infer<typeof ImageSourceSchema>;

export const JobStatusSchema = z.enum(['queued', 'processing', 'completed', 'failed']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** What became of the callback, recorded on the job once the delivery attempt ends. */
export const CallbackDeliverySchema = z.looseObject({
  status: z.enum(['delivered', 'error', 'failed', 'expired', 'skipped']),
  status_code: z.number().int().nullish(),
  response_preview: z.string().nullish(),
  attempted_at: IsoTimestampSchema,
  payload_status: z.enum(['completed', 'failed']),
  error: z.string().nullish(),
  expiry: z.string().nullish(),
  reason: z.string().nullish(),
});
export type CallbackDelivery = z.infer<typeof CallbackDeliverySchema>;

export const JobRequestEchoSchema = z.looseObject({
  prompt: z.string(),
  reference_job_id: z.string().nullish(),
  image_source: ImageSourceSchema.nullish(),
  seed: z.number().int(),
  guidance_scale: z.number(),
  num_inference_steps: z.number().int(),
  callback_url: z.string().nullish(),
  callback_secret_provided: z.boolean(),
  expiry: z.string().nullish(),
});

/** GET /edit/status/{id} while the miner still holds the record. */
export const JobRecordSchema = z.looseObject({
  id: z.string(),
  status: JobStatusSchema,
  queued_at: IsoTimestampSchema,
  started_at: IsoTimestampSchema.nullish(),
  completed_at: IsoTimestampSchema.nullish(),
  failed_at: IsoTimestampSchema.nullish(),
  error: z.string().nullish(),
  output_path: z.string().nullish(),
  result_url: z.string().nullish(),
  image_url: z.string().nullish(),
  request: JobRequestEchoSchema,
  callback: CallbackDeliverySchema.nullish(),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

/** Later revisions answer this for a finished job whose record passed JOB_RECORD_TTL_SECONDS. */
export const CleanedJobRecordSchema = z.looseObject({
  status: z.literal('completed'),
  note: z.literal('job record cleaned up'),
});

// The callback the miner POSTs when a job ends.
/** Form fields of the callback the miner POSTs when a job ends (the file part `image` travels apart). */
export const CallbackFieldsSchema = z.discriminatedUnion('status', [
  z.looseObject({
    job_id: z.string().min(1),
    status: z.literal('completed'),
    completed_at: IsoTimestampSchema,
    image_url: z.string().min(1),
  }),
  z.looseObject({
    job_id: z.string().min(1),
    status: z.literal('failed'),
    completed_at: IsoTimestampSchema,
    error: z.string().min(1),
  }),
]);
export type CallbackFields = z.infer<typeof CallbackFieldsSchema>;
