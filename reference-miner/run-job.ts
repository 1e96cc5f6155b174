import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { callBack, deliverHeld, type DeliveryContext } from './callback-delivery.ts';
import { editParameters, engineQuirks } from './edit-parameters.ts';
import { editPixels, encodePng } from './edit-engine.ts';
import {
  firstCallRounding,
  nondeterministicNudge,
  pngWithRunStamp,
  rawWithSharedBuffer,
  seededNoise,
  spoilOutput,
} from './fault-effects.ts';
import type { Faults } from './faults.ts';
import { InputImageError } from './image-input.ts';
import { isoNow } from './iso-now.ts';
import { resolveInput } from './job-input.ts';
import { markEnded, type Job } from './job-record.ts';
import type { JobStore } from './job-store.ts';
import { blockEventLoop } from './pauses.ts';
import { resultFile } from './result-file.ts';

export type JobContext = DeliveryContext & {
  store: JobStore;
  outputDir: string;
  /** Simulated GPU time: fixed per edit, plus per denoising step (FLUX's time is close to proportional to steps). */
  editLatencyMs: number;
  stepLatencyMs: number;
  /** The seed revision's event loop: the simulated GPU time is spent synchronously, so no request is answered meanwhile. */
  blocksWhileEditing: boolean;
  /** Edits started so far: slows-with-jobs makes every later edit pay for them, first-edit-differs marks the first. */
  editsServed: number;
  /** Called as the edit itself starts; false when the miner fell sick (hung or dead) and the job goes no further. */
  editStarting: () => Promise<boolean>;
  log: (line: string) => void;
};

// slows-with-jobs: what each edit served adds to every later one.
const SLOWDOWN_PER_EDIT_MS = 20;

/** A job's processing ends with its PNG, with a failure (the record says why), or abandoned, never to end. */
type Outcome = { png: Buffer } | { png: undefined; abandoned: boolean };

/** The worker's part of a job: input, edit, file, status; the callback then goes out in a task of its own, after the hold. */
export async function runJob(job: Job, worker: number, context: JobContext): Promise<void> {
  const { record, request } = job;
  const startedMs = Date.now();
  context.activity.started(job, worker, startedMs);
  record.status = 'processing';
  // timestamps-out-of-order: a worker clock 5 s behind the one that stamped queued_at
  record.started_at = isoNow(new Date(startedMs - (context.faults.has('timestamps-out-of-order') ? 5_000 : 0)));
  const outcome = await processJob(job, context);
  context.activity.ended(job);
  if (!outcome.png && outcome.abandoned) {
    context.activity.released(job);
    return;
  }
  context.log(
    `job ${record.id} source=${record.request.image_source} seed=${request.seed} ${outcome.png ? 'completed' : 'failed'} in ${Date.now() - startedMs} ms`,
  );
  context.store.finished(job);
  if (context.faults.has('callback-hold-blocks-worker')) return holdInWorker(job, outcome.png, context);
  context.activity.released(job); // the worker takes its next job now, while the callback waits out its hold
  deliverHeld(job, outcome.png, context).catch((error: Error) => context.log(`job ${record.id} callback not sent: ${error.message}`));
}

/** callback-hold-blocks-worker, the naive hold: the worker itself sleeps the whole hold after the edit, calls back, and only then takes its next job. */
async function holdInWorker(job: Job, png: Buffer | undefined, context: JobContext): Promise<void> {
  try {
    if (png && !(await context.pause(context.callbackHoldMs))) return;
    await callBack(job, png, context);
  } finally {
    context.activity.released(job);
  }
}

async function processJob(job: Job, context: JobContext): Promise<Outcome> {
  const { record, request } = job;
  const { faults } = context;
  // queue-dependent-output: another job in the queue at the moment this one starts
  const neighbour = context.store.live().find((other) => other !== job);
  try {
    let input = await resolveInput(job, faults);
    if (!(await context.editStarting())) return { png: undefined, abandoned: true };
    if (faults.has('input-ignored')) input = seededNoise(input.width, input.height, request.seed);
    const parameters = editParameters(request, faults);
    const editIndex = context.editsServed++;
    // The steps the engine runs (steps-ignored runs 28 whatever was asked) are the ones the GPU pays for.
    const leak = faults.has('slows-with-jobs') ? editIndex * SLOWDOWN_PER_EDIT_MS : 0;
    const gpuMs = context.editLatencyMs + parameters.numInferenceSteps * context.stepLatencyMs + leak;
    if (context.blocksWhileEditing) blockEventLoop(gpuMs);
    else await context.pause(gpuMs);
    const edited = editPixels(input, parameters, engineQuirks(faults, neighbour?.request.seed));
    if (editIndex === 0 && faults.has('first-edit-differs')) firstCallRounding(edited);
    const unstable =
      faults.has('unstable-pixels') ||
      (faults.has('unstable-long-prompts') && request.prompt.length > 48) ||
      (faults.has('unstable-high-guidance') && request.guidance_scale > 5);
    if (unstable) nondeterministicNudge(edited);
    spoilOutput(edited, parameters.seed, faults);
    const raw = faults.has('shared-buffer-race') ? await rawWithSharedBuffer(edited) : edited;
    let png = await encodePng(raw);
    if (faults.has('unstable-png-bytes')) png = pngWithRunStamp(png);
    const file = resultFile(context.outputDir, record.id);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, png);
    if (faults.has('reused-id-serves-old-output')) context.store.rememberFirstOutput(record.id, png);
    Object.assign(record, {
      output_path: file,
      result_url: `/edit/result/${record.id}`,
      image_url: `${context.serviceUrl}/images/edits/${record.id}.png`,
    });
    if (!faults.has('callback-before-completed')) markEnded(job, 'completed');
    return { png };
  } catch (error) {
    // stuck-on-bad-input: the worker swallows the exception and moves on; the record never learns
    if (error instanceof InputImageError && faults.has('stuck-on-bad-input')) return { png: undefined, abandoned: true };
    markEnded(job, 'failed', failureText(job, error as Error, faults));
    return { png: undefined, abandoned: false };
  }
}

/** The job's `error`: the reason, or what the faults make of it (nothing at all, or the request with its secret). */
function failureText(job: Job, error: Error, faults: Faults): string {
  if (faults.has('failure-empty-error')) return '';
  const reason = error instanceof InputImageError ? error.message : `Edit failed: ${error.message}`;
  return faults.has('secret-in-error') ? `${reason} for request ${JSON.stringify(job.request)}` : reason;
}
