import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { editPixels, encodePng, type RgbImage } from './edit-engine.ts';
import type { ActivityLog } from './activity-log.ts';
import { sendCallback } from './callback-sender.ts';
import { nondeterministicNudge, pngWithRunStamp, rawWithSharedBuffer } from './fault-effects.ts';
import type { Faults } from './faults.ts';
import { blankCanvas, bytesFromBase64, decodeInput, InputImageError } from './image-input.ts';
import { isoNow } from './iso-now.ts';
import type { Job } from './job-record.ts';
import type { JobStore } from './job-store.ts';

export type JobContext = {
  store: JobStore;
  activity: ActivityLog;
  faults: Faults;
  outputDir: string;
  serviceUrl: string;
  editLatencyMs: number;
  callbackTimeoutMs: number;
  /** Waits that end when the miner closes, so no timer outlives it. */
  pause: (ms: number) => Promise<void>;
  log: (line: string) => void;
};

/** The worker's part of a job: input, edit, file, status, then the callback. */
export async function runJob(job: Job, worker: number, context: JobContext): Promise<void> {
  const { record, request } = job;
  const startedMs = Date.now();
  context.activity.started(job, worker, startedMs);
  record.status = 'processing';
  record.started_at = isoNow();
  const png = await processJob(job, context);
  context.activity.ended(job);
  context.log(
    `job ${record.id} source=${record.request.image_source} seed=${request.seed} ${png ? 'completed' : 'failed'} in ${Date.now() - startedMs} ms`,
  );
  context.store.finished(job);
  await callBack(job, png, context);
}

/** Input, edit and file: the PNG, or undefined when the job failed (the record then says why). */
async function processJob(job: Job, context: JobContext): Promise<Buffer | undefined> {
  const { record, request } = job;
  const { faults } = context;
  let png: Buffer | undefined;
  try {
    const input = await resolveInput(job);
    await context.pause(context.editLatencyMs);
    const edited = editPixels(input, {
      prompt: faults.has('prompt-ignored') ? '' : request.prompt,
      seed: faults.has('seed-ignored') ? 0 : request.seed,
      guidanceScale: faults.has('guidance-ignored') ? 2.5 : request.guidance_scale,
      numInferenceSteps: faults.has('steps-ignored') ? 28 : request.num_inference_steps,
    });
    const unstable =
      faults.has('unstable-pixels') ||
      (faults.has('unstable-long-prompts') && request.prompt.length > 48) ||
      (faults.has('unstable-high-guidance') && request.guidance_scale > 5);
    if (unstable) nondeterministicNudge(edited);
    const raw = faults.has('shared-buffer-race') ? await rawWithSharedBuffer(edited) : edited;
    png = await encodePng(raw);
    if (faults.has('unstable-png-bytes')) png = pngWithRunStamp(png);
    const file = path.join(context.outputDir, 'edits', `${record.id}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, png);
    Object.assign(record, {
      output_path: file,
      result_url: `/edit/result/${record.id}`,
      image_url: `${context.serviceUrl}/images/edits/${record.id}.png`,
    });
    if (!faults.has('callback-before-completed')) markEnded(job, 'completed');
  } catch (error) {
    png = undefined;
    markEnded(job, 'failed', error instanceof InputImageError ? error.message : `Edit failed: ${(error as Error).message}`);
  }
  return png;
}

async function callBack(job: Job, png: Buffer | undefined, context: JobContext): Promise<void> {
  const { record, request } = job;
  const { faults } = context;
  const succeeded = png !== undefined;
  const completesLate = record.status === 'processing'; // callback-before-completed: the record catches up afterwards
  const silent = !request.callback_url || faults.has(succeeded ? 'callback-never-sent' : 'failure-never-calls-back');
  if (!silent) {
    const payload = {
      ...record,
      status: succeeded ? ('completed' as const) : record.status,
      completed_at: record.completed_at ?? isoNow(),
    };
    const delivery = await sendCallback({ ...job, record: payload }, png, context.serviceUrl, context.callbackTimeoutMs, faults);
    if (!faults.has('callback-not-recorded')) record.callback = delivery;
  }
  if (completesLate) {
    await context.pause(300);
    markEnded(job, 'completed');
  }
}

function markEnded(job: Job, status: 'completed' | 'failed', error?: string): void {
  const now = isoNow();
  job.record.status = status;
  if (status === 'completed') job.record.completed_at = now;
  else Object.assign(job.record, { failed_at: now, error });
}

/** The input's pixels; for a worker plan, the URL wins, image_b64 is the fallback, and no source fails the job. */
async function resolveInput(job: Job): Promise<RgbImage> {
  const plan = job.input;
  if (plan.kind === 'blank') return blankCanvas();
  if (plan.kind === 'bytes') return decodeInput(plan.bytes);
  const echo = job.record.request;
  if (plan.imageUrl) {
    try {
      const image = await decodeInput(await download(plan.imageUrl));
      echo.image_source = 'url';
      return image;
    } catch (error) {
      if (!plan.imageB64) throw new InputImageError(`Failed to download image_url ${plan.imageUrl}: ${(error as Error).message}`);
      echo.image_source = 'url_fallback_to_base64';
      return decodeInput(bytesFromBase64(plan.imageB64));
    }
  }
  if (!plan.imageB64) throw new InputImageError('Must provide either image_url or image_b64');
  echo.image_source = 'base64';
  return decodeInput(bytesFromBase64(plan.imageB64));
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
