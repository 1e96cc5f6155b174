import { z } from 'zod';
import { ProxyAcceptedSchema } from './edit-job.ts';

// The operator's reverse proxy on the wire: Epistula headers, its config file, and its answers.
// Shared by the suite (to sign and to parse) and the reference proxy (to read its config and answer).

/** The headers a validator signs with, spelled as validators send them (HTTP reads them case-blind). */
export const EPISTULA_HEADERS = {
  authorization: 'Authorization',
  signature: 'Epistula-Signature',
  timestamp: 'Epistula-Timestamp',
  uuid: 'Epistula-UUID',
  signedBy: 'Epistula-Signed-By',
  signedFor: 'Epistula-Signed-For',
} as const;

/** The scheme word of `Authorization: Epistula 0x<signature hex>`. */
export const EPISTULA_SCHEME = 'Epistula';

/** The proxy's `detail` texts for every refusal, word for word as the upstream proxy answers them. */
export const EPISTULA_REFUSALS = {
  authorizationMissing: 'Authorization header required',
  authorizationMalformed: 'Invalid authorization header format',
  wrongScheme: 'Invalid authorization scheme',
  signatureHeadersDiffer: 'Authorization signature mismatch',
  signatureMissing: 'Missing Epistula authentication signature',
  headersMissing: 'Missing Epistula authentication headers',
  signedForOther: 'Invalid signed_for address',
  timestampInvalid: 'Invalid Timestamp',
  stale: 'Request is too stale',
  senderInvalid: 'Invalid Keypair',
  signatureNotHex: 'Invalid Signature Format',
  signatureMismatch: 'Signature Mismatch',
  senderNotAllowed: 'Sender not allowed',
} as const;
export type EpistulaRefusal = (typeof EPISTULA_REFUSALS)[keyof typeof EPISTULA_REFUSALS];

/** The upstream proxy coerces numbers written as strings ("8080"), as Python's int() does. */
const int = (min: number) => z.coerce.number().int().min(min);

/** One sender or a list: trimmed, empty entries and repeats dropped, as the upstream proxy reads it. */
const SenderListSchema = z
  .union([z.string(), z.array(z.union([z.string(), z.null()]))])
  .nullish()
  .transform((value) => {
    const items = value == null ? [] : typeof value === 'string' ? [value] : value;
    return [...new Set(items.flatMap((item) => (item == null || !item.trim() ? [] : [item.trim()])))];
  });

/**
 * The upstream proxy's config file (`REVERSE_PROXY_CONFIG_PATH`, config.json) with its defaults.
 * Keys it reads but the path does not depend on (reload, log_level, cache_duration, chain_endpoint) pass through.
 */
export const ProxyConfigFileSchema = z.looseObject({
  server: z
    .looseObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: int(0).max(65535).default(8080),
    })
    .nullish()
    .transform((server) => server ?? { host: '0.0.0.0', port: 8080 }),
  auth: z.looseObject(
    {
      miner_hotkey: z
        .string({ error: 'required: the SS58 hotkey of the miner behind the proxy' })
        .trim()
        .min(1, 'required: the SS58 hotkey of the miner behind the proxy'),
      allowed_delta_ms: int(0).default(8000),
      allowed_senders: SenderListSchema,
    },
    { error: 'required: an object with at least miner_hotkey' },
  ),
  services: z
    .looseObject({
      inference_server_url: z.url().default('http://localhost:8091'),
    })
    .nullish()
    .transform((services) => services ?? { inference_server_url: 'http://localhost:8091' }),
});
export type ProxyConfigFile = z.output<typeof ProxyConfigFileSchema>;
export type ProxyConfigFileInput = z.input<typeof ProxyConfigFileSchema>;

/** GET / : the proxy is up (says nothing of the miner behind it). */
export const ProxyHealthSchema = z.looseObject({
  status: z.literal('healthy'),
  service: z.string().optional(),
});

/** GET /check/<hotkey>, 200 only for the miner's own hotkey. */
export const ProxyCheckSchema = z.looseObject({
  status: z.literal('ok'),
  identifier: z.string().min(1),
});
export type ProxyCheck = z.infer<typeof ProxyCheckSchema>;

/** The capability validators route Kontext edits on: only a miner whose capacity holds it `true` is sent one. */
export const KONTEXT_CAPABILITY = 'img-h100_pcie';
/** The text-to-image capability the upstream proxy advertises beside it. */
export const TEXT_TO_IMAGE_CAPABILITY = 'base-h100_pcie';

/** What validators sign and send as the body of GET /capacity: their client signs `{}` for every signed GET. */
export const CAPACITY_REQUEST_BODY = '{}';

/**
 * Signed GET /capacity, read as validators read it: a JSON object whose values are all booleans, keys trimmed and blank
 * keys skipped; any other value (a string "true", a number) voids the whole answer. Upstream `{"base-h100_pcie": true, "img-h100_pcie": true}`.
 */
export const ProxyCapacitySchema = z
  .record(z.string(), z.unknown(), { error: 'a JSON object of capabilities' })
  .superRefine((capacity, context) => {
    for (const [key, value] of Object.entries(capacity))
      if (key.trim() && typeof value !== 'boolean') context.addIssue({ code: 'custom', path: [key], message: 'a boolean' });
  })
  .transform((capacity) =>
    Object.fromEntries(Object.entries(capacity).flatMap(([key, value]) => (key.trim() ? [[key.trim(), value as boolean]] : []))),
  );
export type ProxyCapacity = z.output<typeof ProxyCapacitySchema>;

/**
 * The proxy's 202 when the miner did not answer `POST /edit` within its wait, as the proxy words it.
 * `job_id` is the body's own, or null when the body had none (a client counts only ProxyAcceptedSchema as accepted).
 */
export const ProxyQueuedSchema = ProxyAcceptedSchema.extend({
  job_id: z.string().min(1).nullable(),
  detail: z.string(),
  proxy_timeout_seconds: z.number().positive(),
});
export type ProxyQueued = z.infer<typeof ProxyQueuedSchema>;

/** The 202 body for a miner that kept `POST /edit` waiting past `timeoutSeconds`. */
export function proxyQueued(jobId: string | null, timeoutSeconds: number): ProxyQueued {
  return {
    status: 'queued',
    job_id: jobId,
    detail: 'Upstream processing asynchronously; proxy returned before completion',
    proxy_timeout_seconds: timeoutSeconds,
  };
}

/** 401 and 403 from the proxy: FastAPI's `{detail}` with one of EPISTULA_REFUSALS. */
export const ProxyRefusalSchema = z.looseObject({ detail: z.string().min(1) });
export type ProxyRefusal = z.infer<typeof ProxyRefusalSchema>;
