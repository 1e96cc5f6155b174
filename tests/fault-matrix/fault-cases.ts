import type { MinerOverrides } from '../../reference-miner/config.ts';
import type { FaultName } from '../../reference-miner/faults.ts';
import type { ProxyFaultName } from '../../reference-proxy/faults.ts';

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
  /** The rule judges the jobs of a whole run: the row runs every test, not its rule alone. */
  wholeRun?: boolean;
  /** Global setup's first job meets the fault: the run stops before any test, with `because` on the console. */
  stopsAtSetup?: boolean;
};

export const FAULT_CASES: FaultCase[] = [
  {
    fault: 'unstable-pixels',
    rule: '@same-request-same-bytes',
    because: /"the base request again" byte-identical to "base edit"[\s\S]*pixels \(.*\) differ/,
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
    because: /"seed 1234568" to differ from "base edit" in more than 1 % of the pixels\s+Received: file bytes and pixels identical/,
  },
  { fault: 'prompt-ignored', rule: '@prompts-deterministic-and-distinct', because: /"short prompt" to differ from "base edit"/ },
  {
    fault: 'unstable-long-prompts',
    rule: '@prompts-deterministic-and-distinct',
    because: /"long prompt run 2" byte-identical to "long prompt run 1"/,
  },
  { fault: 'steps-ignored', rule: '@parameters-deterministic-and-matter', because: /"28 steps" to differ from "base edit"/ },
  { fault: 'guidance-ignored', rule: '@parameters-deterministic-and-matter', because: /"guidance 7\.5 run 1" to differ from "base edit"/ },
  {
    fault: 'unstable-high-guidance',
    rule: '@parameters-deterministic-and-matter',
    because: /"guidance 7\.5 run 2" byte-identical to "guidance 7\.5 run 1"/,
  },
  {
    fault: 'reference-reported-not-used',
    rule: '@reference-chain',
    because: /"edit 1" to have the pixels of "edit 1 made directly from base edit"/,
  },
  {
    fault: 'reused-id-serves-old-output',
    rule: '@reused-id',
    because: /"edit 1 of the reused id" to have the pixels of "edit 1 made directly from base edit"/,
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
  {
    fault: 'callback-filename-wrong',
    rule: '@callback-parts',
    because: /The completed callback of job e2e-\S+ names its file "image\.png", not "e2e-\S+\.png": name the file after its job/,
  },
  {
    fault: 'callback-part-octet-stream',
    rule: '@callback-parts',
    because: /The completed callback of job e2e-\S+ labels its file part application\/octet-stream, not image\/png/,
  },
  {
    fault: 'callback-images-swapped',
    rule: '@callback-parts',
    because: /The completed callback of job e2e-\S+ carries the image of job e2e-\S+, not its own result: jobs that run side by side/,
  },
  { fault: 'failure-never-calls-back', rule: '@callback-failed', because: /No callback for job e2e-[\w-]+ arrived within/ },
  {
    fault: 'callback-after-expiry',
    rule: '@callback-expiry',
    because: /callback status on the record of an expired job[\s\S]*Received: "delivered"/,
  },
  // The orchestrator's window (protocol/orchestrator.ts), judged on global setup's jobs. Rows that are not about the
  // 8 s minimum take the minimum away (a miner that does not hold, a window from 0 s), so they cost no hold.
  {
    rule: '@validator-window',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '8' },
    because:
      /as flux_kontext_min_runtime_violation: the callback came \d+\.\d\d s after the job was created, under the 8\.00 s minimum; hold the callback, not the GPU, until 8 s after the request arrived/,
  },
  {
    fault: 'callback-hold-blocks-worker',
    rule: '@validator-window',
    // Scaled down: a 1 s hold, a 2 s budget and 0.3 s edits keep the row short; the pair's second job waits out the first's hold.
    miner: { callbackHoldSeconds: 1, editLatencyMs: 300 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '1', ASYNC_VALIDATOR_BUDGET_SECONDS: '2' },
    because:
      /The orchestrator would fail the pair \d \(job [0-9a-f-]{36}\) as flux_kontext_max_latency_violation: the callback came \d+\.\d\d s after the POST's answer, over the 2\.00 s allowed/,
  },
  {
    rule: '@validator-window',
    miner: { editLatencyMs: 1_500, callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '0', ASYNC_VALIDATOR_BUDGET_SECONDS: '1' },
    because: /as flux_kontext_max_latency_violation: the callback came [1-9]\.\d\d s after the POST's answer, over the 1\.00 s allowed/,
  },
  {
    fault: 'callback-error-on-success',
    rule: '@validator-window',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '0' },
    because: /as callback_status:completed: the callback carries the error "[^"]+"; send status completed with no error field on success/,
  },
  {
    fault: 'callback-without-secret',
    rule: '@validator-window',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '0' },
    because: /as callback_secret_mismatch: the X-Callback-Secret header is not the job’s secret/,
  },
  {
    fault: 'callback-without-image',
    rule: '@audit-broadcast',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '0' },
    because: /The audit broadcast's callback \(job [0-9a-f-]{36}\) must carry a non-empty PNG image part[\s\S]*it carried no image part/,
  },
  {
    rule: '@audit-broadcast',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '8' },
    because: /the audit broadcast \(job [0-9a-f-]{36}\) as flux_kontext_min_runtime_violation.*A failed broadcast bans the miner for good/,
  },
  { fault: 'first-edit-differs', rule: '@validator-replay', because: /"its replay" byte-identical to "the first edit of the run"/ },
  // Determinism where validators break miners (issue: every input shape, the seed range, under load).
  {
    fault: 'queue-dependent-output',
    rule: '@determinism-under-load',
    because: /"request \d under load" byte-identical to "(request \d alone|base edit)"/,
  },
  {
    fault: 'shared-buffer-race',
    rule: '@determinism-under-load',
    miner: { inferenceWorkers: 2 },
    because: /"request \d under load" byte-identical to "(request \d alone|base edit)"/,
  },
  { fault: 'seed-zero-random', rule: '@seed-range', because: /"seed 0 run 2" byte-identical to "seed 0 run 1"/ },
  {
    fault: 'seed-above-int32-refused',
    rule: '@seed-range',
    because: /POST \/edit should accept this request .* but the miner answered 422/,
  },
  { fault: 'seed-clamped-int32', rule: '@seed-range', because: /"seed 4294967294" to differ from "seed 4294967295 run 1"/ },
  { fault: 'resize-rounded', rule: '@prepared-size', because: /"height": 651,[\s\S]*"height": 652,/ },
  { fault: 'alpha-composited', rule: '@input-shapes', because: /"RGBA" byte-identical to "the plain RGB scene"/ },
  {
    fault: 'grayscale-refused',
    rule: '@input-shapes',
    because: /POST \/edit should accept this request .* answered 400 .*unsupported image mode/,
  },
  { fault: 'palette-indices-as-gray', rule: '@input-shapes', because: /"palette" byte-identical to "palette as RGB"/ },
  { fault: 'base64-strict', rule: '@input-shapes', because: /POST \/edit should accept this request .* answered 400 .*base64/ },
  { fault: 'exif-applied', rule: '@input-shapes', because: /"JPEG with EXIF orientation 6" byte-identical to "the JPEG without the tag"/ },
  { fault: 'defaults-differ', rule: '@defaults-explicit', because: /"defaults sent as 2\.5 and 28" byte-identical to "defaults omitted"/ },
  { fault: 'black-output', rule: '@sane-picture', because: /Received: mostly black: \d+ % of the pixels/ },
  { fault: 'flat-output', rule: '@sane-picture', because: /Received: .*flat: the pixel variance is/ },
  { fault: 'partial-render', rule: '@sane-picture', because: /Received: .*partially rendered: \d+ % of the bottom 30 % of rows is dark/ },
  {
    fault: 'input-ignored',
    rule: '@sane-picture',
    because: /Received: the input's scene is gone: the luminance correlates with the input's at/,
  },
  {
    fault: 'engine-drift',
    rule: '@trusted-digests',
    env: { ASYNC_TRUSTED_DIGESTS: 'reference-miner' },
    because:
      /PNG SHA-256 digests against the trusted set "reference-miner"[\s\S]*-\s+"sample scene, seed 0": "[0-9a-f]{64}"[\s\S]*\+\s+"sample scene, seed 0": "[0-9a-f]{64}"/,
  },
  {
    fault: 'prompt-trimmed',
    rule: '@trusted-digests',
    env: { ASYNC_TRUSTED_DIGESTS: 'reference-miner' },
    because:
      /-\s+"sample scene, seed 2147483648, prompt \\" Add falling snow ❄ \\"": "[0-9a-f]{64}"[\s\S]*\+\s+"sample scene, seed 2147483648, prompt/,
  },
  {
    fault: 'prompt-truncated-256-tokens',
    rule: '@trusted-digests',
    env: { ASYNC_TRUSTED_DIGESTS: 'reference-miner' },
    because:
      /-\s+"large landscape 1100×700, seed 7, a \d+-character prompt": "[0-9a-f]{64}"[\s\S]*\+\s+"large landscape 1100×700, seed 7, a \d+-character prompt"/,
  },
  {
    fault: 'unstable-pixels',
    rule: '@input-sizes',
    because: /"large landscape 1100×700 run 2" byte-identical to "large landscape 1100×700 run 1"/,
  },
  // The later revision's image_url.
  {
    fault: 'url-loses-to-b64',
    rule: '@image-url-fetched',
    because: /image_source when both are sent[\s\S]*Expected: "url"[\s\S]*Received: "base64"/,
  },
  { fault: 'url-no-fallback', rule: '@image-url-fallback', because: /Job \S+ failed on the miner: .*404/ },
  { fault: 'url-short-timeout', rule: '@image-url-real-host', because: /failed on the miner: Failed to download image_url \S+: .*timeout/ },
  { fault: 'url-small-limit', rule: '@image-url-real-host', because: /failed on the miner: .*1 MiB/ },
  { fault: 'failure-empty-error', rule: '@image-url-failure', because: /error on the record/ },
  {
    fault: 'url-no-redirects',
    rule: '@image-url-as-hosts-serve',
    because:
      /The image host answered 301, 302, 303, 307 and 308 in turn before the image, and the miner must follow redirects to the image, but job \S+ failed on the miner: .*HTTP 301/,
  },
  {
    fault: 'url-query-dropped',
    rule: '@image-url-as-hosts-serve',
    because:
      /The image host served the image under a signed URL whose query string is its signature, and the miner must fetch the URL exactly as given, query string included, but job \S+ failed on the miner: .*HTTP 403/,
  },
  {
    fault: 'url-trusts-content-type',
    rule: '@image-url-as-hosts-serve',
    because:
      /The image host labelled the image application\/octet-stream, and the miner must judge the answer by decoding its bytes, not by its Content-Type, but job \S+ failed/,
  },
  {
    fault: 'url-needs-length',
    rule: '@image-url-as-hosts-serve',
    because:
      /The image host sent the image chunked, with no Content-Length, and the miner must read the answer to its end whatever its headers say of its length, but job \S+ failed/,
  },
  // Callback discipline, secrets, expiry.
  {
    fault: 'callback-sent-twice',
    rule: '@callback-completed',
    because: /callbacks received for this job within 2 s of the first[\s\S]*Expected length: 1\s+Received length: 2/,
  },
  {
    fault: 'job-id-truncated',
    rule: '@validator-window',
    miner: { callbackHoldSeconds: 0 },
    env: { ASYNC_VALIDATOR_MIN_SECONDS: '0' },
    because:
      /as dispatch_failed: POST \/edit should keep the client's job_id "[0-9a-f-]{36}", but the miner answered job_id "[0-9a-f-]{32}"/,
  },
  { fault: 'failure-empty-error', rule: '@callback-failed', because: /error on the failed record/ },
  {
    fault: 'stuck-on-bad-input',
    rule: '@callback-failed',
    // Named on the miner's own pace (global setup's job), before the default job timeout, which a busy
    // machine's slower pace would otherwise meet first (run-suite.ts shortens it to 30 s).
    env: { ASYNC_JOB_TIMEOUT_SECONDS: '300' },
    because:
      /Job e2e-\S+ is stuck processing: it has said processing for [\d.]+ s, over 5 times the [\d.]+ s a \d+-step edit takes on this miner/,
  },
  {
    fault: 'queue-skips-job',
    rule: '@burst-completes',
    because: /Job e2e-\S+ is stuck queued: it still says queued \(queued_at [^)]+\) while job e2e-\S+, queued after it, ended [\d.]+ s ago/,
  },
  {
    fault: 'callback-answer-ignored',
    rule: '@callback-answer-recorded',
    because: /the callback delivery on the job record[\s\S]*"status": "error"[\s\S]*"status": "delivered"/,
  },
  { fault: 'secret-in-record', rule: '@secret-kept', because: /places that show the callback secret[\s\S]*GET \/edit\/status\/e2e-/ },
  { fault: 'secret-in-error', rule: '@secret-kept', because: /places that show the callback secret[\s\S]*the failed job's error/ },
  {
    fault: 'expiry-offset-ignored',
    rule: '@expiry-is-an-instant',
    because: /callback of the job whose expiry is \S+-05:00[\s\S]*Expected: "delivered"/,
  },
  // Every job ends, and its record tells the truth.
  {
    fault: 'queue-full-503',
    rule: '@burst-completes',
    miner: { inferenceQueueMaxsize: 1 },
    because: /POST \/edit answers of the burst[\s\S]*503/,
  },
  { fault: 'unknown-id-200', rule: '@unknown-id-404', because: /the request refused with 404[\s\S]*Received: 200/ },
  { fault: 'timestamps-out-of-order', rule: '@status-lifecycle', because: /started_at \S+ not before queued_at/ },
  { fault: 'request-echo-defaults', rule: '@status-lifecycle', because: /the request echoed on the record[\s\S]*"guidance_scale": 4,/ },
  {
    fault: 'unfinished-result-200',
    rule: '@unfinished-result',
    because:
      /GET \/edit\/result of a job that is (queued|processing) should answer 400 \(seed protocol\) or 404 \(later revision\)[\s\S]*Received: 200/,
  },
  { fault: 'duplicate-job-id-accepted', rule: '@duplicate-job-id', because: /the request refused with 409[\s\S]*Received: 200/ },
  // Hostile input.
  {
    fault: 'range-edges-refused',
    rule: '@range-edges',
    because: /POST \/edit with \{"guidance_scale":20\} beside[\s\S]*also names body\.guidance_scale, whose value is in range/,
  },
  {
    fault: 'pydantic-1-coercion',
    rule: '@wrong-types',
    because: /refused with 422 and a FastAPI validation error whose detail names body\.seed\s+Received: 200/,
  },
  { fault: 'junk-field-500', rule: '@wrong-types', because: /the request refused with 422[\s\S]*Received: 500/ },
  { fault: 'junk-field-500', rule: '@fuzz-no-5xx', because: /5xx answers among \d+ generated bodies[\s\S]*as a nested object: 500/ },
  // The miner over time, judged last from the edit times of every other test's jobs.
  {
    fault: 'slows-with-jobs',
    rule: '@steady-edit-time',
    wholeRun: true,
    because:
      /kinds of edit whose time more than doubled[\s\S]*10-step edits \(\d+\): [\d.]+ s per step over the first \d+, [\d.]+ over the last \d+ \(×\d/,
  },
  // A sick miner is named in one sentence, wherever it is caught.
  // Global setup's first job meets the sickness: the run stops there, in one sentence, before any test.
  {
    fault: 'hangs-mid-job',
    rule: '@same-request-same-bytes',
    env: { ASYNC_HTTP_TIMEOUT_SECONDS: '2' },
    stopsAtSetup: true,
    because:
      /The miner at http:\/\/127\.0\.0\.1:\d+ gave no answer within 2 s on GET \/edit\/status\/[0-9a-f-]{36} during global setup's first job/,
  },
  {
    fault: 'dies-mid-job',
    rule: '@same-request-same-bytes',
    stopsAtSetup: true,
    because:
      /The miner at http:\/\/127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\): the process is gone or no longer listens on GET \/edit\/status\/[0-9a-f-]{36} during global setup's first job/,
  },
];

/** How a case is named in the matrix: its fault, or the miner settings that break the rule. */
export function caseName({ fault, miner }: FaultCase): string {
  return fault ?? `a miner with ${JSON.stringify(miner)}`;
}

/** Faults that no spec checks yet, each with the spec that will: the matrix proves every other fault is caught. */
/** Faults no conformance spec checks: the advisory project's findings, each with its rule there. */
export const ADVISORY_CASES: FaultCase[] = [
  { fault: 'static-image-differs', rule: '@advisory-static-image', because: /the static file is byte-identical to \/edit\/result/ },
  {
    fault: 'job-id-path-accepted',
    rule: '@advisory-path-job-id',
    because: /POST \/edit with job_id "\.\.\/\.\.\/etc\/kontext" should be refused with 400 or 422[\s\S]*Received: 200/,
  },
  { fault: 'no-body-limit', rule: '@advisory-body-limit', because: /POST \/edit with a 64 MiB body[\s\S]*Received: (200|400)/ },
];

/**
 * A fault of the reference proxy that `--project proxy` starts in front of a healthy reference miner, the proxy
 * rule that must catch it, and the words its failure must say.
 */
export type ProxyFaultCase = {
  proxyFault: ProxyFaultName;
  rule: `@proxy-${string}`;
  because: RegExp;
  /** The miner answers POST /edit only this long after taking it, as a full queue does: the proxy's wait runs out first. */
  minerAnswersAfterMs?: number;
  env?: Record<string, string>;
};

export const PROXY_CASES: ProxyFaultCase[] = [
  {
    proxyFault: 'accepts-unsigned',
    rule: '@proxy-refuses-unsigned',
    because:
      /POST \/edit with no Authorization header should be refused with 401 and never become a job, but the proxy answered 200 .* and the miner's GET \/edit\/status\/[0-9a-f-]{36} answers 200, so the request reached it and became a job: the proxy must require Authorization: Epistula/,
  },
  {
    proxyFault: 'ignores-signed-for',
    rule: '@proxy-refuses-other-miner',
    because:
      /POST \/edit with Epistula-Signed-For \w+ should be refused with 401 .* but the proxy answered 200 .*: the proxy must refuse an Epistula-Signed-For other than auth\.miner_hotkey/,
  },
  {
    proxyFault: 'no-staleness-check',
    rule: '@proxy-refuses-stale',
    because: /Epistula-Timestamp 60 s old should be refused with 401 .* but the proxy answered 200 .*older than auth\.allowed_delta_ms/,
  },
  {
    proxyFault: 'ignores-allowed-senders',
    rule: '@proxy-refuses-unknown-sender',
    because: /a key no one allowed should be refused with 403 .* but the proxy answered 200 .*auth\.allowed_senders/,
  },
  {
    proxyFault: 'check-any-hotkey',
    rule: '@proxy-check-hotkey',
    because:
      /GET \/check\/\w+ should be refused with 404, but the proxy answered 200 with .*"status": ?"ok".*: the proxy must confirm only auth\.miner_hotkey, else validators take it for another miner/,
  },
  {
    proxyFault: 'capacity-missing',
    rule: '@proxy-capacity',
    because:
      /signed GET \/capacity with the body \{\}, as validators send it, should answer 200 .* but the proxy answered 404 with .*Not Found.*: validators keep an empty capacity for the miner and never send it a Kontext job/,
  },
  {
    proxyFault: 'capacity-hashes-empty-body',
    rule: '@proxy-capacity',
    because:
      /signed GET \/capacity with the body \{\}, as validators send it, should answer 200 .* but the proxy answered 401 with .*Signature Mismatch.*: validators keep an empty capacity .*; answer .* to a signature over the body received \(\{\} from validators\)/,
  },
  {
    proxyFault: 'capacity-not-booleans',
    rule: '@proxy-capacity',
    because:
      /holding "img-h100_pcie": true, but "img-h100_pcie" is "true" \(a string\), not a boolean .*: validators void the whole capacity and mark the miner invalid/,
  },
  {
    proxyFault: 'capacity-without-img',
    rule: '@proxy-capacity',
    because:
      /holding "img-h100_pcie": true, but it has no "img-h100_pcie" .*\{"base-h100_pcie":true\}.*: validators send Kontext jobs only to a capacity with "img-h100_pcie": true, so the miner gets none/,
  },
  {
    proxyFault: 'root-missing',
    rule: '@proxy-health',
    because:
      /GET \/ as validators' health check sends it \(10 s deadline\) should answer 200, but the proxy answered 404 .*: validators mark the miner unhealthy .* a new miner stays invalid/,
  },
  {
    proxyFault: 'signature-unchecked',
    rule: '@proxy-refuses-other-body',
    because:
      /POST \/edit whose Epistula signature covers another body should be refused with 401 and never become a job, but the proxy answered 200 .* and the miner's GET \/edit\/status\/[0-9a-f-]{36} answers 200, so the request reached it and became a job: the proxy must verify the signature over the SHA-256 of the body it received/,
  },
  // Validators send image_url, a field the rewriting proxy's model drops: the miner gets an edit with no image.
  {
    proxyFault: 'rewrites-body',
    rule: '@proxy-validator-replay',
    because:
      /POST \/edit through the proxy should be accepted .* but it answered 400 .*Either image_b64 or reference_job_id must be provided.*: the miner refused what the proxy forwarded.*byte for byte/,
  },
  {
    proxyFault: 'late-without-202',
    rule: '@proxy-validator-replay',
    minerAnswersAfterMs: 4_000,
    env: { ASYNC_PROXY_WAIT_SECONDS: '1' },
    because:
      /seconds until the proxy answered POST \/edit, against its 1 s wait before the 202 \(ASYNC_PROXY_WAIT_SECONDS\) plus 2 s[\s\S]*Received:\s+4\.\d+/,
  },
];
