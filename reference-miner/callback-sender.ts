import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { CallbackDelivery } from '../protocol/edit-job.ts';
import type { Faults } from './faults.ts';
import { isoNow } from './iso-now.ts';
import type { Job } from './job-record.ts';

/**
 * callback-images-swapped: one upload buffer for all callbacks, so a callback sent soon after another carries
 * that one's image (jobs that ran side by side get each other's).
 */
export class SharedUploadBuffer {
  private last: { png: Buffer; atMs: number } | undefined;

  exchange(png: Buffer): Buffer {
    const previous = this.last && Date.now() - this.last.atMs < SIDE_BY_SIDE_MS ? this.last.png : png;
    this.last = { png, atMs: Date.now() };
    return previous;
  }
}

// Callbacks this close together count as jobs that ran side by side.
const SIDE_BY_SIDE_MS = 2_000;
// callback-error-on-success: a warning a miner put in the error field of a job that succeeded.
const WARNING_ON_SUCCESS = 'warning: safety checker disabled';

/**
 * POSTs a finished job's outcome once, with no retries, and says what became of it: multipart with the
 * image on success, urlencoded on failure (no file part), X-Callback-Secret when a secret was given.
 */
export async function sendCallback(
  job: Job,
  png: Buffer | undefined,
  serviceUrl: string,
  timeoutMs: number,
  faults: Faults,
): Promise<CallbackDelivery> {
  const { record } = job;
  const url = job.request.callback_url!;
  const completed = record.status === 'completed';
  const base = { attempted_at: isoNow(), payload_status: completed ? ('completed' as const) : ('failed' as const) };
  if (job.expiresAtMs !== undefined && Date.now() > job.expiresAtMs && !faults.has('callback-after-expiry'))
    return { ...base, status: 'expired', expiry: job.request.expiry, reason: 'expiry passed before the callback was due' };

  const fields: Record<string, string> = {
    job_id: faults.has('callback-wrong-job-id') ? `edit-${randomUUID()}` : record.id,
    status: record.status,
    completed_at: record.completed_at ?? record.failed_at ?? isoNow(),
  };
  // Known quirk of the real miner: the callback's image_url lacks the edits/ segment.
  if (completed) fields.image_url = `${serviceUrl}/images/${record.id}.png`;
  if (completed && faults.has('callback-error-on-success')) fields.error = WARNING_ON_SUCCESS;
  if (!completed) fields.error = record.error ?? 'unknown error';

  const headers: Record<string, string> = {};
  if (job.callbackSecret && !faults.has('callback-without-secret')) headers['X-Callback-Secret'] = job.callbackSecret;
  let body: FormData | URLSearchParams | string;
  if (completed && png && faults.has('callback-as-json')) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ ...fields, image_b64: png.toString('base64') });
  } else if (completed && png) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (!faults.has('callback-without-image')) {
      const image = faults.has('callback-image-reencoded')
        ? await sharp(png).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer()
        : png;
      const type = faults.has('callback-part-octet-stream') ? 'application/octet-stream' : 'image/png';
      const filename = faults.has('callback-filename-wrong') ? 'image.png' : `${record.id}.png`;
      form.append('image', new Blob([new Uint8Array(image)], { type }), filename);
    }
    body = form;
  } else body = new URLSearchParams(fields);

  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const preview = (await response.text()).slice(0, 200);
    if (faults.has('callback-answer-ignored')) return { ...base, status: 'delivered', status_code: 200, response_preview: preview };
    return { ...base, status: response.status < 400 ? 'delivered' : 'error', status_code: response.status, response_preview: preview };
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : String((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
    return { ...base, status: 'failed', error: reason };
  }
}
