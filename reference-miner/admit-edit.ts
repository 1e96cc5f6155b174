import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseIsoTimestamp, type ParsedEditRequest } from '../protocol/edit-job.ts';
import { minerEditRequestSchema } from './edit-request-schema.ts';
import { toFastApiDetail } from './fastapi-validation.ts';
import type { Faults } from './faults.ts';
import { HandlerCrash } from './handler-crash.ts';
import { assertImageHeader, bytesFromBase64, InputImageError } from './image-input.ts';
import { inputPreparation } from './input-preparation.ts';
import { isoNow } from './iso-now.ts';
import { newRecord, type InputPlan, type Job } from './job-record.ts';
import type { JobStore } from './job-store.ts';
import type { RevisionRules } from './protocol-revision.ts';

export type Answer = { status: number; body: unknown };

const UNSAFE_JOB_ID = /[/\\\0]|\.\./;

/** POST /edit up to the queue: validation, the image source, and the job record. An Answer means refused. */
export async function admitEdit(
  body: unknown,
  arrivedAtMs: number,
  rules: RevisionRules,
  store: JobStore,
  faults: Faults,
): Promise<Job | Answer> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      status: 422,
      body: {
        detail: [
          {
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            type: 'model_attributes_type',
            input: body,
          },
        ],
      },
    };
  const fields = loosened(body as Record<string, unknown>, faults);
  const parsed = minerEditRequestSchema(rules, faults).safeParse(fields);
  if (!parsed.success) return { status: 422, body: { detail: toFastApiDetail(parsed.error.issues, fields) } };
  const request: ParsedEditRequest = parsed.data;

  const requestedId = faults.has('client-job-id-ignored') ? undefined : request.job_id;
  if (
    requestedId !== undefined &&
    requestedId !== null &&
    ((UNSAFE_JOB_ID.test(requestedId) && !faults.has('job-id-path-accepted')) || requestedId.length > 128 || requestedId.length === 0)
  )
    return refuse('job_id must be 1 to 128 characters without path separators or ".."');
  const id = requestedId ? (faults.has('job-id-truncated') ? requestedId.slice(0, 32) : requestedId) : `edit-${randomUUID()}`;
  if (store.isLive(id) && !faults.has('duplicate-job-id-accepted'))
    return { status: 409, body: { detail: `Job ${id} is already queued or processing` } };

  let plan: InputPlan;
  try {
    const planned = await planInput(request, rules, store, faults);
    if ('status' in planned) return planned;
    plan = planned;
  } catch (error) {
    if (!(error instanceof InputImageError)) throw error;
    if (faults.has('bad-image-500')) throw new HandlerCrash(`PIL.UnidentifiedImageError: ${error.message}`);
    return refuse(error.message);
  }
  const source = plan.kind === 'worker' ? null : plan.source;
  return {
    record: newRecord(id, request, source, isoNow(), faults),
    request,
    input: plan,
    callbackSecret: request.callback_secret ?? undefined,
    expiresAtMs: request.expiry ? expiryMs(request.expiry, faults) : undefined,
    arrivedAtMs,
  };
}

/** Seed protocol: reference_job_id, else image_b64, decided now; image_url, and everything in the later revision, in the worker. */
async function planInput(request: ParsedEditRequest, rules: RevisionRules, store: JobStore, faults: Faults): Promise<InputPlan | Answer> {
  if (!rules.checksImageAtSubmission)
    return { kind: 'worker', imageUrl: request.image_url || undefined, imageB64: request.image_b64 || undefined };
  const b64 = request.image_b64 ? await checkedImage(request.image_b64, faults) : undefined;
  if (request.reference_job_id) {
    const reference = store.get(request.reference_job_id);
    const output = reference?.record.status === 'completed' ? reference.record.output_path : undefined;
    if (output && existsSync(output)) {
      const cached = faults.has('reused-id-serves-old-output') ? store.firstOutput(request.reference_job_id) : undefined;
      const bytes = faults.has('reference-reported-not-used') && b64 ? b64 : (cached ?? (await readFile(output)));
      return { kind: 'bytes', bytes, source: 'reference_edit' };
    }
    if (b64 && !faults.has('fallback-rejected')) return { kind: 'bytes', bytes: b64, source: 'base64_fallback' };
    if (!request.image_url) return refuse(`Reference job ${request.reference_job_id} not found and no image_b64 fallback provided`);
  }
  if (request.image_url) return { kind: 'worker', imageUrl: request.image_url, imageB64: request.image_b64 || undefined };
  if (b64) return { kind: 'bytes', bytes: b64, source: 'base64' };
  if (faults.has('no-image-source-accepted')) return { kind: 'blank', source: 'base64' };
  return refuse('Either image_b64 or reference_job_id must be provided');
}

async function checkedImage(imageB64: string, faults: Faults): Promise<Buffer> {
  const preparation = inputPreparation(faults);
  const bytes = bytesFromBase64(imageB64, preparation);
  await assertImageHeader(bytes, preparation);
  return bytes;
}

/** When the callback may no longer be sent: the expiry as an instant (with expiry-offset-ignored, its wall time as UTC). */
function expiryMs(expiry: string, faults: Faults): number {
  return parseIsoTimestamp(faults.has('expiry-offset-ignored') ? expiry.replace(/(Z|[+-]\d{2}:?\d{2})$/, '') : expiry);
}

/** The faults that make validation lax (a defaulted seed, clamped ranges, pydantic 1's coercion) or crash it (a field holding an object). */
function loosened(fields: Record<string, unknown>, faults: Faults): Record<string, unknown> {
  const result = { ...fields };
  if (faults.has('junk-field-500')) {
    const junk = Object.entries(result).find(([, value]) => typeof value === 'object' && value !== null);
    if (junk) throw new HandlerCrash(`TypeError: unhashable type: '${Array.isArray(junk[1]) ? 'list' : 'dict'}'`, 388);
  }
  if (faults.has('seed-defaulted') && result.seed === undefined) result.seed = 0;
  if (faults.has('pydantic-1-coercion')) {
    if (typeof result.prompt === 'number') result.prompt = String(result.prompt);
    if (typeof result.seed === 'number') result.seed = Math.trunc(result.seed);
  }
  if (faults.has('range-clamped')) {
    if (typeof result.guidance_scale === 'number') result.guidance_scale = Math.min(20, Math.max(1, result.guidance_scale));
    if (typeof result.num_inference_steps === 'number') result.num_inference_steps = Math.min(100, Math.max(1, result.num_inference_steps));
  }
  return result;
}

function refuse(detail: string): Answer {
  return { status: 400, body: { detail } };
}
