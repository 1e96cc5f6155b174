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
};
