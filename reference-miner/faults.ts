/** Misbehaviours of real miners the reference miner can imitate, each documented in one line. */
export const FAULTS = {
  'unstable-pixels': 'A few pixels change from run to run, as with a nondeterministic GPU kernel.',
  'unstable-png-bytes': 'The PNG carries a per-run tEXt chunk (a timestamp), so equal pixels arrive as different file bytes.',
  'seed-ignored': 'The seed never reaches the edit.',
  'prompt-ignored': 'The prompt never reaches the edit.',
  'prompt-trimmed': 'The prompt is stripped of surrounding whitespace before the edit.',
  'prompt-truncated-256-tokens':
    'Only the first 256 tokens of the prompt (words and punctuation marks, standing in for T5 pieces) reach the edit.',
  'guidance-ignored': 'guidance_scale never reaches the edit.',
  'steps-ignored': 'num_inference_steps never reaches the edit.',
  'unstable-long-prompts': 'Prompts longer than 48 characters take a nondeterministic path.',
  'unstable-high-guidance': 'guidance_scale above 5 takes a nondeterministic path.',
  'reference-reported-not-used': 'A found reference is reported as the source, but image_b64 is what gets edited.',
  'reused-id-serves-old-output':
    'A reference_job_id to a reused id edits the output of the first job that had the id, not the job that replaced it.',
  'fallback-rejected': 'A reference that is not found answers 400 even when image_b64 could be used.',
  'no-image-source-accepted': 'A request with no image source is accepted and edits a blank grey canvas.',
  'seed-defaulted': 'A missing seed silently becomes 0 instead of a 422.',
  'callback-without-secret': 'The callback leaves out the X-Callback-Secret header.',
  'callback-without-image': 'The success callback has no image part.',
  'callback-as-json': 'The callback is sent as JSON with the image base64-encoded, not as multipart.',
  'callback-image-reencoded': "The callback's image is re-encoded with other PNG settings, so its bytes differ from /edit/result.",
  'callback-filename-wrong': "The callback's file part is named image.png instead of <job_id>.png.",
  'callback-part-octet-stream': "The callback's file part is labelled application/octet-stream instead of image/png.",
  'callback-images-swapped': "A callback sent within 2 s of another carries that one's image: jobs side by side get each other's.",
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
  'queue-dependent-output':
    "A job that starts while another is queued or processing mixes that job's seed into its grain: visible only under load.",
  'seed-zero-random': 'Seed 0 means "random": every run of it draws a new seed.',
  'seed-above-int32-refused': 'Seeds of 2^31 and above are refused with 422 naming body.seed, as an int32 field would.',
  'seed-clamped-int32': 'Seeds above 2^31-1 are clamped to 2^31-1, so 2^32-1 and 2^32-2 edit alike.',
  'resize-rounded': 'The shrunk size is rounded instead of truncated as PIL does: 1100×700 becomes 1024×652, not 1024×651.',
  'alpha-composited': 'An RGBA input is composited onto white before editing instead of losing its alpha channel.',
  'grayscale-refused': 'L, LA and P inputs are refused with 400 "unsupported image mode" (in the later revision the job fails).',
  'palette-indices-as-gray': 'A palette PNG is edited as its index values in grey instead of its colours.',
  'base64-strict': 'image_b64 with line breaks or other characters outside the alphabet is refused as invalid base64.',
  'defaults-differ': "An omitted guidance_scale is taken as 3.5, FLUX's own default, instead of 2.5, and the record echoes 3.5.",
  'black-output': 'The output is mostly black (every channel below 10), as with a VAE decoding NaNs, deterministically.',
  'flat-output': 'The output is one flat colour derived from the seed.',
  'partial-render': 'The bottom 30 % of rows of the output are black, as with a render cut short.',
  'input-ignored': "The edit starts from seeded noise of the input's size instead of the input.",
  'engine-drift': 'The grain amplitude differs slightly, as after a driver or model upgrade: every digest changes.',
  'exif-applied': "A JPEG's EXIF orientation is applied before editing, so the stored pixels are not what is edited.",
  'url-loses-to-b64': 'With both image_url and image_b64, image_b64 is edited and image_source says base64.',
  'url-no-fallback': 'A failed image_url download fails the job even when image_b64 was sent.',
  'url-short-timeout': 'image_url downloads give up after 2 s instead of 30 s.',
  'url-small-limit': 'image_url downloads over 1 MiB are refused and count as failed.',
  'url-no-redirects': 'image_url downloads do not follow redirects: a 301, 302, 303, 307 or 308 fails the download.',
  'url-query-dropped': "image_url is fetched without its query string, so a signed URL's signature never reaches the host.",
  'url-trusts-content-type': 'An image_url answer whose Content-Type is not image/* (octet-stream, or none) counts as no image.',
  'url-needs-length': 'An image_url answer with no Content-Length (chunked) counts as a failed download.',
  'callback-sent-twice': 'The callback is POSTed a second time about 1 s after the first, though the first got 200.',
  'failure-empty-error': 'A failed job records and calls back error "", as the later revision\'s pinned FastAPI does.',
  'callback-answer-ignored': 'The delivery is recorded delivered with status_code 200 whatever the receiver answered.',
  'secret-in-record': "The status record's request echo, and so GET /jobs, carries callback_secret in clear.",
  'secret-in-error': "A failed job's error text ends with the request as JSON, secret included.",
  'expiry-offset-ignored': "The expiry's zone offset is dropped and its wall time read as UTC.",
  'queue-full-503': 'A full queue (INFERENCE_QUEUE_MAXSIZE reached) answers 503 instead of waiting for room.',
  'queue-skips-job': 'Every fourth accepted job is recorded queued but never reaches a worker, while later jobs run.',
  'stuck-on-bad-input': 'A job whose input cannot be decoded stays processing forever and never calls back.',
  'timestamps-out-of-order': 'started_at comes from a clock 5 s behind, so it is earlier than queued_at.',
  'request-echo-defaults': "The record's request echo shows guidance_scale 2.5 and num_inference_steps 28 whatever was sent.",
  'unfinished-result-200': 'The result of an unfinished job answers 200 with an empty body.',
  'range-edges-refused': 'guidance_scale 20.0 and num_inference_steps 100, the inclusive upper edges, are refused with 422.',
  'pydantic-1-coercion': 'Wrong types are coerced as FastAPI on pydantic 1 does: prompt 123 becomes "123", seed 4.5 becomes 4.',
  'junk-field-500': 'A field holding an object or array (prompt: {}) crashes the handler with a 500 text traceback.',
  'job-id-truncated': 'A job_id longer than 32 characters is cut to 32 in the answer, the record and the callback.',
  'job-id-path-accepted': 'A job_id with / or .. is accepted, and only the file name is sanitised.',
  'no-body-limit': 'POST /edit has no request size limit.',
  'static-image-differs':
    'The static copy at /images/edits/<id>.png is the image re-encoded with other settings, so its bytes differ from /edit/result.',
  'slows-with-jobs': 'Each edit takes 20 ms longer than the one before it, as a miner that leaks per job served.',
  'callback-hold-blocks-worker':
    'The callback hold sleeps in the worker: after each edit it waits the whole hold, calls back, and only then takes its next job.',
  'callback-error-on-success': 'A completed callback also carries a non-empty error field ("warning: safety checker disabled").',
  'first-edit-differs':
    'The first edit after a start rounds differently (a lazily compiled kernel): a few channel values off by one, later edits exact.',
  'hangs-mid-job': 'From the first edit on, the server accepts connections but answers no request, as an event loop stuck in an edit.',
  'dies-mid-job': 'At the first edit the miner closes its listener and drops every connection; npm run miner exits with code 1.',
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
