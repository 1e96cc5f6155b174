import type { ActivityLog } from './activity-log.ts';
import { sendCallback, type SharedUploadBuffer } from './callback-sender.ts';
import type { Faults } from './faults.ts';
import { isoNow } from './iso-now.ts';
import { markEnded, type Job } from './job-record.ts';

/** What sending a job's callback needs from the miner. */
export type DeliveryContext = {
  activity: ActivityLog;
  faults: Faults;
  serviceUrl: string;
  callbackTimeoutMs: number;
  /** A completed job's callback goes out no sooner than this after its POST /edit arrived (the orchestrator's minimum runtime). */
  callbackHoldMs: number;
  /** Where callback-swapped images come from: the image of the callback sent just before. */
  uploadBuffer: SharedUploadBuffer;
  /** Waits that end when the miner closes (resolving false), so no timer outlives it. */
  pause: (ms: number) => Promise<boolean>;
};

/** How long a completed job's callback must still wait: until callbackHoldMs after its request arrived. */
export function holdLeftMs(job: Job, context: DeliveryContext): number {
  return Math.max(0, job.arrivedAtMs + context.callbackHoldMs - Date.now());
}

/**
 * The callback of a finished job: a completed one held until callbackHoldMs after its request arrived, a failed
 * one at once (the orchestrator fails it whenever it comes). A miner that closes during the hold sends nothing.
 */
export async function deliverHeld(job: Job, png: Buffer | undefined, context: DeliveryContext): Promise<void> {
  if (png && !(await context.pause(holdLeftMs(job, context)))) return;
  await callBack(job, png, context);
}

/** POSTs the job's outcome (with what the callback faults make of it) and records the delivery on the job. */
export async function callBack(job: Job, png: Buffer | undefined, context: DeliveryContext): Promise<void> {
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
    const image = png && faults.has('callback-images-swapped') ? context.uploadBuffer.exchange(png) : png;
    const send = () => sendCallback({ ...job, record: payload }, image, context.serviceUrl, context.callbackTimeoutMs, faults);
    const delivery = await send();
    if (delivery.status !== 'expired') context.activity.calledBack(job, Date.parse(delivery.attempted_at));
    if (!faults.has('callback-not-recorded')) record.callback = delivery;
    if (faults.has('callback-sent-twice') && (await context.pause(1_000))) await send();
  }
  if (completesLate) {
    await context.pause(300);
    markEnded(job, 'completed');
  }
}
