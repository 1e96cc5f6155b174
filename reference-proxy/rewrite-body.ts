// The rewrites-body fault: a proxy that validates the body with its own model of the seed protocol and
// re-serialises it, so the miner receives other bytes (and fewer fields) than the validator signed.

const MODEL_FIELDS = [
  'prompt',
  'seed',
  'image_b64',
  'reference_job_id',
  'guidance_scale',
  'num_inference_steps',
  'job_id',
  'callback_url',
  'callback_secret',
  'expiry',
] as const;

/** Python's json.dumps(model.dict(exclude_unset=True), sort_keys=True): ", " and ": " separators, non-ASCII escaped. */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${pythonJsonDumps(key)}: ${pythonJsonDumps((value as Record<string, unknown>)[key])}`)
      .join(', ')}}`;
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The body the faulty proxy forwards; a body that is not a JSON object goes through as it came. */
export function rewriteBody(body: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return body;
  const modelled = Object.fromEntries(
    MODEL_FIELDS.filter((field) => field in parsed).map((field) => [field, (parsed as Record<string, unknown>)[field]]),
  );
  return Buffer.from(pythonJsonDumps(modelled), 'utf8');
}
