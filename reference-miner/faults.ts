/** Misbehaviours of real miners the reference miner can imitate, each documented in one line. */
export const FAULTS = {
  'unstable-pixels': 'A few pixels change from run to run, as with a nondeterministic GPU kernel.',
  'unstable-png-bytes': 'The PNG carries a per-run tEXt chunk (a timestamp), so equal pixels arrive as different file bytes.',
  'seed-ignored': 'The seed never reaches the edit.',
  'prompt-ignored': 'The prompt never reaches the edit.',
  'guidance-ignored': 'guidance_scale never reaches the edit.',
  'steps-ignored': 'num_inference_steps never reaches the edit.',
  'unstable-long-prompts': 'Prompts longer than 48 characters take a nondeterministic path.',
  'unstable-high-guidance': 'guidance_scale above 5 takes a nondeterministic path.',
  'reference-reported-not-used': 'A found reference is reported as the source, but image_b64 is what gets edited.',
  'fallback-rejected': 'A reference that is not found answers 400 even when image_b64 could be used.',
  'no-image-source-accepted': 'A request with no image source is accepted and edits a blank grey canvas.',
  'seed-defaulted': 'A missing seed silently becomes 0 instead of a 422.',
  'callback-without-secret': 'The callback leaves out the X-Callback-Secret header.',
  'callback-without-image': 'The success callback has no image part.',
  'callback-as-json': 'The callback is sent as JSON with the image base64-encoded, not as multipart.',
  'callback-image-reencoded': "The callback's image is re-encoded with other PNG settings, so its bytes differ from /edit/result.",
  'callback-never-sent': 'No callback is sent on success, and none is recorded.',
  'callback-wrong-job-id': "The callback's job_id field is a miner-made id, not the job's.",
  'callback-before-completed': 'The callback goes out while the job still says processing.',
  'callback-not-recorded': 'The callback is delivered but never recorded on the job.',
  'failure-never-calls-back': 'A failed job sends no callback.',
  'callback-after-expiry': 'expiry is ignored: the callback is sent anyway.',
  'range-clamped': 'Out-of-range guidance_scale and num_inference_steps are clamped instead of refused with 422.',
  'bad-image-500': 'image_b64 that is not an image crashes the handler with a 500.',
  'unknown-id-200': 'The status of an unknown job id answers 200 with a queued record.',
  'client-job-id-ignored': "The client's job_id is replaced by edit-<uuid4>.",
  'result-not-png': 'The result is served as JPEG bytes under image/png.',
  'result-missing': 'The result of a completed job answers 404.',
  'duplicate-job-id-accepted': 'A job_id that is still queued or processing is accepted again, replacing the record, instead of 409.',
  'shared-buffer-race': "Concurrent jobs share one working buffer, so overlapping jobs corrupt each other's output.",
} as const;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** The active faults; `has` is how every fault site asks. */
export class Faults {
  private readonly active: ReadonlySet<FaultName>;
  constructor(names: readonly FaultName[] = []) {
    this.active = new Set(names);
  }
  has(name: FaultName): boolean {
    return this.active.has(name);
  }
  list(): FaultName[] {
    return [...this.active];
  }
}
