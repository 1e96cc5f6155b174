import type { IncomingMessage } from 'node:http';
import { headerFields } from './http-io.ts';
import { describeBytes, parseJsonOrUndefined } from './wire-body.ts';
import { judgeReceipt, type CallbackEncoding, type CallbackFile, type CallbackReceipt } from './callback-receipt.ts';

/** A callback kept whole as it came (global setup stores those of its jobs for the workers), read again as a request is. */
export type StoredCallback = { method: string; path: string; headers: Record<string, string>; bodyBase64: string; receivedAtMs: number };

// From an HTTP request to a receipt: read the body within a limit, parse either form encoding, judge it.

export type ParsedCallbackBody = {
  encoding: Exclude<CallbackEncoding, 'unknown'>;
  fields: Record<string, string>;
  files: CallbackFile[];
  /** Why the body could not be read as form fields; undefined when it could. */
  parseError: string | undefined;
};

/**
 * Reads one callback request into a receipt, keeping at most `maxBodyBytes` of its body. Never throws:
 * a body that cannot be read becomes a receipt with a `parseError`, as every callback must be recorded.
 */
export async function readCallback(
  request: IncomingMessage,
  { path, urlJobId, maxBodyBytes }: { path: string; urlJobId: string | undefined; maxBodyBytes: number },
): Promise<{ receipt: CallbackReceipt; truncated: boolean; aborted: boolean }> {
  const arrivedAtMs = performance.timeOrigin + performance.now();
  const { body, size, truncated, aborted } = await readRequestBody(request, maxBodyBytes);
  const contentType = request.headers['content-type'] ?? '';
  const parsed = aborted
    ? bodyError(contentType, `The connection closed after ${size} bytes, before the body ended.`)
    : truncated
      ? bodyError(contentType, `The body of ${size} bytes exceeds the receiver's limit of ${maxBodyBytes} bytes.`)
      : await parseCallbackBody(body, contentType);
  const receipt = receiptOf({
    method: request.method ?? 'POST',
    path,
    urlJobId,
    headers: headerFields(request),
    contentType,
    body,
    size,
    parsed,
    arrivedAtMs,
  });
  return { receipt, truncated, aborted };
}

/** A callback global setup's receiver kept for a job it started (setup/base-edits.ts), read as a worker's receiver reads one. */
export async function receiptFromStored(stored: StoredCallback, jobId: string): Promise<CallbackReceipt> {
  const body = Buffer.from(stored.bodyBase64, 'base64');
  const contentType = stored.headers['content-type'] ?? '';
  const parsed = await parseCallbackBody(body, contentType);
  return receiptOf({ ...stored, urlJobId: jobId, contentType, body, size: body.length, parsed, arrivedAtMs: stored.receivedAtMs });
}

type ReadRequest = {
  method: string;
  path: string;
  urlJobId: string | undefined;
  headers: Record<string, string>;
  contentType: string;
  body: Buffer;
  size: number;
  parsed: ParsedCallbackBody;
  arrivedAtMs: number;
};

function receiptOf({ method, path, urlJobId, headers, contentType, body, size, parsed, arrivedAtMs }: ReadRequest): CallbackReceipt {
  const image = parsed.files.find((file) => file.field === 'image');
  return judgeReceipt({
    source: 'receiver',
    jobId: parsed.fields.job_id,
    urlJobId,
    method,
    path,
    fields: parsed.fields,
    secret: headers['x-callback-secret'],
    headers,
    contentType,
    encoding: parsed.encoding,
    image: image?.bytes,
    imageFilename: image?.filename,
    imageContentType: image?.contentType,
    hasImage: image !== undefined,
    imageSize: image?.bytes.length,
    files: parsed.files,
    body,
    bodySize: size,
    parseError: parsed.parseError,
    receivedAt: new Date(arrivedAtMs).toISOString(),
    receivedAtMs: arrivedAtMs,
    answeredWith: undefined,
  });
}

/** The media type of a Content-Type header, lower-case, without parameters. */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

function encodingOf(contentType: string): ParsedCallbackBody['encoding'] {
  const type = mediaType(contentType);
  if (type === 'multipart/form-data') return 'multipart';
  if (type === 'application/x-www-form-urlencoded') return 'urlencoded';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return 'other';
}

/**
 * Reads a callback body into string fields and file parts. Never throws: a body that cannot be read
 * comes back with a `parseError` sentence.
 */
export async function parseCallbackBody(body: Buffer, contentType: string): Promise<ParsedCallbackBody> {
  const encoding = encodingOf(contentType);
  const result: ParsedCallbackBody = { encoding, fields: {}, files: [], parseError: undefined };
  if (encoding === 'multipart' || encoding === 'urlencoded') {
    try {
      // Node's own fetch Response parses both form encodings, so no multipart library is needed.
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      for (const [name, value] of form) {
        if (typeof value === 'string') {
          if (!(name in result.fields)) result.fields[name] = value; // first value wins, as Starlette's form.get does
        } else {
          const bytes = Buffer.from(await value.arrayBuffer());
          result.files.push({ field: name, filename: value.name, contentType: value.type, bytes });
        }
      }
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message;
      result.parseError = `The body is declared ${mediaType(contentType)} but could not be parsed${cause ? ` (${cause})` : ''}; it holds ${describeBytes(body)}.`;
    }
    return result;
  }
  if (encoding === 'json') {
    const json = parseJsonOrUndefined(body);
    if (json === undefined)
      result.parseError = `The body is declared ${mediaType(contentType)} but is not JSON; it holds ${describeBytes(body)}.`;
    else if (json === null || typeof json !== 'object' || Array.isArray(json))
      result.parseError = `The body is JSON but not an object of fields; it holds ${describeBytes(body)}.`;
    else for (const [name, value] of Object.entries(json)) result.fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
    return result;
  }
  const declared = contentType ? `the content-type "${contentType}"` : 'no content-type';
  result.parseError = `Expected multipart/form-data or application/x-www-form-urlencoded, but the callback came with ${declared} and ${describeBytes(body)}.`;
  return result;
}

function bodyError(contentType: string, parseError: string): ParsedCallbackBody {
  return { encoding: encodingOf(contentType), fields: {}, files: [], parseError };
}

type RequestBody = { body: Buffer; size: number; truncated: boolean; aborted: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes and draining the rest so the client still gets
 * an answer; a connection that drops midway ends the read instead of throwing.
 */
async function readRequestBody(request: IncomingMessage, limit: number): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let aborted = false;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (kept >= limit) continue;
      const part = chunk.subarray(0, limit - kept);
      chunks.push(part);
      kept += part.length;
    }
  } catch {
    aborted = true;
  }
  return { body: Buffer.concat(chunks), size, truncated: size > limit, aborted: aborted || !request.complete };
}
