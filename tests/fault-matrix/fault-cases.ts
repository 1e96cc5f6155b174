import type { FaultName } from '../../reference-miner/faults.ts';

/** A fault of the reference miner, the spec test that must catch it, and the words its failure must say. */
export type FaultCase = {
  fault: FaultName;
  spec: 'determinism' | 'edit-workflow' | 'edit-callback';
  /** The test's title, exactly. */
  test: string;
  /** The failure must say this: it was caught for the right reason. */
  because: RegExp;
};

export const SAME_REQUEST = 'the same request twice gives byte-identical PNG files with identical pixels';
const OTHER_SEED = 'another seed changes more than 1 % of the pixels';
const PROMPTS = 'each of three prompts edits deterministically, and each gives its own image';
const PARAMETERS = 'each of three guidance and steps sets edits deterministically, and each parameter matters';
const CHAIN = 'chained edits base → 1 → 2 → 3 each edit the previous output, as the pixels prove';
const FALLBACK = 'a reference that does not exist falls back to image_b64';
const NO_IMAGE = 'an edit with neither image_b64 nor reference_job_id is refused with 400 and never becomes a job';
const NO_SEED = 'an edit without a seed is refused with 422 naming body.seed';
export const CALLBACK = 'a completed job calls back once, already completed, with its job_id, the secret and the exact result bytes';
const FAILURE_CALLBACK = 'a job that fails calls back status=failed with its error and no image';
const EXPIRY = 'past its expiry a finished job sends no callback and records "expired"';
const INVALID = 'invalid edits are refused at submission with 400 or 422 and never become jobs';

export const FAULT_CASES: FaultCase[] = [
  {
    fault: 'unstable-pixels',
    spec: 'determinism',
    test: SAME_REQUEST,
    because: /"second run" byte-identical to "first run"[\s\S]*pixels \(.*\) differ/,
  },
  {
    fault: 'unstable-png-bytes',
    spec: 'determinism',
    test: SAME_REQUEST,
    because: /pixels identical but PNG file bytes differ .*metadata difference \(chunks: tEXt/,
  },
  {
    fault: 'result-not-png',
    spec: 'determinism',
    test: SAME_REQUEST,
    because: /should be a PNG file served as image\/png, but came as image\/png starting with bytes ffd8ff/,
  },
  {
    fault: 'result-missing',
    spec: 'determinism',
    test: SAME_REQUEST,
    because: /GET \/edit\/result\/\S+ of a completed job should answer 200 with the PNG, but answered 404/,
  },
  {
    fault: 'client-job-id-ignored',
    spec: 'determinism',
    test: SAME_REQUEST,
    because: /should keep the client's job_id "e2e-[^"]+", but the miner answered job_id "edit-/,
  },
  {
    fault: 'seed-ignored',
    spec: 'determinism',
    test: OTHER_SEED,
    because: /"seed 1234568" to differ from "seed 1234567" in more than 1 % of the pixels\s+Received: file bytes and pixels identical/,
  },
  { fault: 'prompt-ignored', spec: 'determinism', test: PROMPTS, because: /"prompt 2 run 1" to differ from "prompt 1 run 1"/ },
  { fault: 'unstable-long-prompts', spec: 'determinism', test: PROMPTS, because: /"prompt 3 run 2" byte-identical to "prompt 3 run 1"/ },
  { fault: 'steps-ignored', spec: 'determinism', test: PARAMETERS, because: /"set 2 run 1" to differ from "set 1 run 1"/ },
  { fault: 'guidance-ignored', spec: 'determinism', test: PARAMETERS, because: /"set 3 run 1" to differ from "set 1 run 1"/ },
  { fault: 'unstable-high-guidance', spec: 'determinism', test: PARAMETERS, because: /"set 3 run 2" byte-identical to "set 3 run 1"/ },
  {
    fault: 'reference-reported-not-used',
    spec: 'edit-workflow',
    test: CHAIN,
    because: /"edit 1" to have the pixels of "edit 1 made directly from base"/,
  },
  {
    fault: 'fallback-rejected',
    spec: 'edit-workflow',
    test: FALLBACK,
    because: /POST \/edit should accept this request .* but the miner answered 400/,
  },
  { fault: 'no-image-source-accepted', spec: 'edit-workflow', test: NO_IMAGE, because: /refused with 400[\s\S]*Received: 200/ },
  {
    fault: 'unknown-id-200',
    spec: 'edit-workflow',
    test: NO_SEED,
    because: /GET \/edit\/status\/\S+ answers 404, as a refused request never becomes a job\s+Received: 200/,
  },
  {
    fault: 'seed-defaulted',
    spec: 'edit-workflow',
    test: NO_SEED,
    because: /refused with 422 and a FastAPI validation error whose detail names body\.seed\s+Received: 200/,
  },
  { fault: 'callback-without-secret', spec: 'edit-callback', test: CALLBACK, because: /X-Callback-Secret header/ },
  {
    fault: 'callback-without-image',
    spec: 'edit-callback',
    test: CALLBACK,
    because: /callback fields against the protocol|size of the image part/,
  },
  {
    fault: 'callback-as-json',
    spec: 'edit-callback',
    test: CALLBACK,
    because: /callback body encoding[\s\S]*Expected: "multipart"[\s\S]*Received: "json"/,
  },
  { fault: 'callback-image-reencoded', spec: 'edit-callback', test: CALLBACK, because: /SHA-256 of the callback image vs \/edit\/result/ },
  { fault: 'callback-never-sent', spec: 'edit-callback', test: CALLBACK, because: /No callback for job e2e-[\w-]+ arrived within/ },
  { fault: 'callback-wrong-job-id', spec: 'edit-callback', test: CALLBACK, because: /callback form fields[\s\S]*job_id/ },
  {
    fault: 'callback-before-completed',
    spec: 'edit-callback',
    test: CALLBACK,
    because: /job status at the moment its callback arrived[\s\S]*Received: "processing"/,
  },
  { fault: 'callback-not-recorded', spec: 'edit-callback', test: CALLBACK, because: /never reached a recorded callback delivery/ },
  {
    fault: 'failure-never-calls-back',
    spec: 'edit-callback',
    test: FAILURE_CALLBACK,
    because: /No callback for job e2e-[\w-]+ arrived within/,
  },
  {
    fault: 'callback-after-expiry',
    spec: 'edit-callback',
    test: EXPIRY,
    because: /callback status on the record of an expired job[\s\S]*Received: "delivered"/,
  },
  { fault: 'range-clamped', spec: 'edit-callback', test: INVALID, because: /whose detail names body\.guidance_scale\s+Received: 200/ },
  { fault: 'bad-image-500', spec: 'edit-callback', test: INVALID, because: /refused with 400[\s\S]*Received: 500/ },
];

/** Faults that no spec checks yet, each with the spec that will: the matrix proves every other fault is caught. */
export const FAULTS_AWAITING_A_SPEC: Partial<Record<FaultName, string>> = {
  'duplicate-job-id-accepted': 'the conformance matrix: a live duplicate job_id answers 409',
  'shared-buffer-race': 'the conformance matrix: determinism under concurrent load',
  'queue-dependent-output': 'the determinism & inputs spec: an edit under load equals the same edit alone',
  'seed-zero-random': 'the determinism & inputs spec: seed 0 is a seed like any other',
  'seed-above-int32-refused': 'the determinism & inputs spec: seeds up to 2^32-1 are accepted',
  'seed-clamped-int32': 'the determinism & inputs spec: 2^32-1 and 2^32-2 give different images',
  'resize-rounded': "the determinism & inputs spec: an input over 1024 px shrinks to PIL's truncated size",
  'alpha-composited': 'the determinism & inputs spec: an RGBA input edits like its RGB channels',
  'grayscale-refused': 'the determinism & inputs spec: grey and palette inputs are edited, never refused',
  'palette-indices-as-gray': 'the determinism & inputs spec: a palette input edits like its RGB expansion',
  'base64-strict': 'the determinism & inputs spec: MIME-wrapped base64 is accepted',
  'defaults-differ': 'the determinism & inputs spec: omitted defaults edit like 2.5 and 28 sent explicitly',
  'black-output': 'the determinism & inputs spec: the output is not mostly black',
  'flat-output': 'the determinism & inputs spec: the output is not one flat colour',
  'partial-render': 'the determinism & inputs spec: the bottom rows are rendered',
  'input-ignored': 'the determinism & inputs spec: other input pixels change the output',
  'engine-drift': "the determinism & inputs spec: digests match a trusted miner's pinned digests",
  'exif-applied': 'the determinism & inputs spec: EXIF orientation is not applied',
  'url-loses-to-b64': 'the image_url spec: the URL wins over image_b64',
  'url-no-fallback': 'the image_url spec: a failed download falls back to image_b64',
  'url-short-timeout': 'the image_url spec: a slow image host within 30 s is waited for',
  'url-small-limit': 'the image_url spec: a large image downloads',
  'callback-sent-twice': 'the callbacks spec: a completed job calls back exactly once',
  'failure-empty-error': 'the callbacks spec: a failed job calls back a non-empty error',
  'callback-answer-ignored': "the callbacks spec: the receiver's refusal is recorded as error with its code",
  'secret-in-record': 'the secrets spec: the secret appears neither in the record nor in /jobs',
  'secret-in-error': 'the secrets spec: the secret appears in no error text',
  'expiry-offset-ignored': 'the expiry spec: an expiry with a zone offset is the instant it names',
  'queue-full-503': 'the every job ends spec: a burst larger than the queue completes with no 5xx',
  'stuck-on-bad-input': 'the every job ends spec: every accepted job ends and calls back',
  'timestamps-out-of-order': 'the bookkeeping spec: queued_at ≤ started_at ≤ completed_at',
  'request-echo-defaults': 'the bookkeeping spec: the request echo shows what was sent',
  'unfinished-result-200': 'the bookkeeping spec: the result of an unfinished job is no 200',
  'range-edges-refused': 'the hostile input spec: the inclusive upper edges 20.0 and 100 are accepted',
  'junk-field-500': 'the hostile input spec: objects and arrays in fields get 422, never 500',
  'job-id-truncated': 'the validator spec: a UUID-length and longer job_id comes back unchanged',
  'job-id-path-accepted': 'the advisory spec: a job_id with / or .. is refused',
  'no-body-limit': 'the advisory spec: an oversized body is refused with 413',
  'static-image-differs': 'the advisory spec: /images/edits/<id>.png serves the same bytes as /edit/result',
  'hangs-mid-job': 'the sick miner spec: a miner that stops answering is named within the deadline',
  'dies-mid-job': 'the sick miner spec: a miner that dies mid-job is named within the deadline',
};
