import type { IncomingMessage } from 'node:http';
import type { CallbackEncoding, CallbackFile } from './callback-receipt.ts';
import { describeBytes, parseJsonOrUndefined } from './wire-body.ts';

// A request body read within a limit, and a callback body's form fields and file parts: either form encoding, or
// JSON, or anything else a miner sends, never throwing (a body that cannot be read carries a parseError sentence).

export type ParsedCallbackBody = {
  encoding: Exclude<CallbackEncoding, 'unknown'>;
  fields: Record<string, string>;
  files: CallbackFile[];
  /** Why the body could not be read as form fields; undefined when it could. */
  parseError: string | undefined;
};

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

export function bodyError(contentType: string, parseError: string): ParsedCallbackBody {
  return { encoding: encodingOf(contentType), fields: {}, files: [], parseError };
}

type RequestBody = { body: Buffer; size: number; truncated: boolean; aborted: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes and draining the rest so the client still gets
 * an answer; a connection that drops midway ends the read instead of throwing.
 */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<RequestBody> {
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
