import type { MinerOverrides } from '../../reference-miner/config.ts';
import type { FaultName } from '../../reference-miner/faults.ts';

/**
 * A fault of the reference miner, the rule (a spec test's tag) that must catch it, and the words its
 * failure must say. Tags name rules, so a retitled test stays in the matrix.
 */
export type FaultCase = {
  /** The fault switched on; none where the miner's settings alone break the rule (a slow edit). */
  fault?: FaultName;
  rule: `@${string}`;
  /** The failure must say this: it was caught for the right reason. */
  because: RegExp;
  /** Miner settings the fault needs to show (e.g. two workers for a race). */
  miner?: MinerOverrides;
  /** Suite settings for this run. */
  env?: Record<string, string>;
};

export const FAULT_CASES: FaultCase[] = [
  {
    fault: 'unstable-pixels',
    rule: '@same-request-same-bytes',
    because: /"second run" byte-identical to "first run"[\s\S]*pixels \(.*\) differ/,
  },
  {
    fault: 'unstable-png-bytes',
    rule: '@same-request-same-bytes',
    because: /pixels identical but PNG file bytes differ .*metadata difference \(chunks: tEXt/,
  },
  {
    fault: 'result-not-png',
    rule: '@same-request-same-bytes',
    because: /should be a PNG file served as image\/png, but came as image\/png starting with bytes ffd8ff/,
  },
  {
    fault: 'result-missing',
    rule: '@same-request-same-bytes',
    because: /GET \/edit\/result\/\S+ of a completed job should answer 200 with the PNG, but answered 404/,
  },
  {
    fault: 'client-job-id-ignored',
    rule: '@same-request-same-bytes',
    because: /should keep the client's job_id "e2e-[^"]+", but the miner answered job_id "edit-/,
  },
  {
    fault: 'seed-ignored',
    rule: '@seed-changes-output',
    because: /"seed 1234568" to differ from "seed 1234567" in more than 1 % of the pixels\s+Received: file bytes and pixels identical/,
  },
  { fault: 'prompt-ignored', rule: '@prompts-deterministic-and-distinct', because: /"prompt 2 run 1" to differ from "prompt 1 run 1"/ },
  {
    fault: 'unstable-long-prompts',
    rule: '@prompts-deterministic-and-distinct',
    because: /"prompt 3 run 2" byte-identical to "prompt 3 run 1"/,
  },
  { fault: 'steps-ignored', rule: '@parameters-deterministic-and-matter', because: /"set 2 run 1" to differ from "set 1 run 1"/ },
  { fault: 'guidance-ignored', rule: '@parameters-deterministic-and-matter', because: /"set 3 run 1" to differ from "set 1 run 1"/ },
  {
    fault: 'unstable-high-guidance',
    rule: '@parameters-deterministic-and-matter',
    because: /"set 3 run 2" byte-identical to "set 3 run 1"/,
  },
  {
    fault: 'reference-reported-not-used',
    rule: '@reference-chain',
    because: /"edit 1" to have the pixels of "edit 1 made directly from base"/,
  },
  {
    fault: 'fallback-rejected',
    rule: '@reference-fallback',
    because: /POST \/edit should accept this request .* but the miner answered 400/,
  },
  {
    fault: 'no-image-source-accepted',
    rule: '@image-source-required',
    because: /an edit with no image source refused[\s\S]*Received: accepted \(200\), then: the job ended completed, not failed/,
  },
  {
    fault: 'unknown-id-200',
    rule: '@seed-required',
    because: /GET \/edit\/status\/\S+ answers 404, as a refused request never becomes a job\s+Received: 200/,
  },
  {
    fault: 'seed-defaulted',
    rule: '@seed-required',
    because: /refused with 422 and a FastAPI validation error whose detail names body\.seed\s+Received: 200/,
  },
  { fault: 'range-clamped', rule: '@ranges-refused', because: /whose detail names body\.guidance_scale\s+Received: 200/ },
  {
    fault: 'bad-image-500',
    rule: '@undecodable-image-refused',
    because: /Received: answered 500: the miner crashed \(500\) instead of refusing with 400/,
  },
  { fault: 'callback-without-secret', rule: '@callback-completed', because: /X-Callback-Secret header/ },
  { fault: 'callback-without-image', rule: '@callback-completed', because: /it has no image file part/ },
  { fault: 'callback-as-json', rule: '@callback-completed', because: /it came as JSON, but the protocol sends form fields/ },
  {
    fault: 'callback-image-reencoded',
    rule: '@callback-completed',
    because: /Expected: the callback image of job \S+ to be the bytes of GET \/edit\/result/,
  },
  { fault: 'callback-never-sent', rule: '@callback-completed', because: /No callback for job e2e-[\w-]+ arrived within/ },
  { fault: 'callback-wrong-job-id', rule: '@callback-completed', because: /callback form fields[\s\S]*job_id/ },
  {
    fault: 'callback-before-completed',
    rule: '@callback-completed',
    because: /job status at the moment its callback arrived[\s\S]*Received: "processing"/,
  },
  { fault: 'callback-not-recorded', rule: '@callback-completed', because: /never reached a recorded callback delivery/ },
  { fault: 'failure-never-calls-back', rule: '@callback-failed', because: /No callback for job e2e-[\w-]+ arrived within/ },
  {
    fault: 'callback-after-expiry',
    rule: '@callback-expiry',
    because: /callback status on the record of an expired job[\s\S]*Received: "delivered"/,
  },
  { fault: 'callback-without-secret', rule: '@validator-replay', because: /X-Callback-Secret: the exact 64-hex secret/ },
  {
    rule: '@validator-replay',
    miner: { editLatencyMs: 1_500 },
    env: { ASYNC_VALIDATOR_BUDGET_SECONDS: '1' },
    because: /seconds from dispatch to callback, against the validators' budget[\s\S]*Expected: <= 1\s+Received:\s+1\.[5-9]/,
  },
];

/** How a case is named in the matrix: its fault, or the miner settings that break the rule. */
export function caseName({ fault, miner }: FaultCase): string {
  return fault ?? `a miner with ${JSON.stringify(miner)}`;
}

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
