import type { CallbackListingEntry } from '../protocol/listings.ts';
import { parseIsoTimestamp } from '../protocol/edit-job.ts';
import { judgeReceipt, type CallbackReceipt } from './callback-receipt.ts';

// The original Python receiver's GET /callbacks listing, both ways: the suite's receiver serves it, and an
// external receiver (ASYNC_USE_EXTERNAL_CALLBACK=true) is read through it.

const LISTED_FIELDS = ['job_id', 'status', 'completed_at', 'image_url', 'error'] as const;

/** A receipt in the original receiver's GET /callbacks shape. */
export function toListingEntry(receipt: CallbackReceipt): CallbackListingEntry {
  return {
    job_id: receipt.jobId ?? null,
    status: receipt.fields.status ?? null,
    completed_at: receipt.fields.completed_at ?? null,
    received_at: receipt.receivedAt,
    image_url: receipt.fields.image_url ?? null,
    provided_secret: receipt.secret ?? null,
    has_image: receipt.hasImage,
    error: receipt.fields.error ?? null,
    image_size: receipt.imageSize ?? null,
  };
}

/**
 * A receipt from an external receiver's listing: no headers, body or image bytes, only what the
 * listing says (has_image, image_size). A received_at without zone is read as UTC.
 */
export function fromListingEntry(entry: CallbackListingEntry): CallbackReceipt {
  const fields: Record<string, string> = {};
  for (const name of LISTED_FIELDS) {
    const value = entry[name];
    if (value !== null && value !== undefined) fields[name] = value;
  }
  return judgeReceipt({
    source: 'external',
    jobId: entry.job_id ?? undefined,
    urlJobId: undefined,
    method: 'POST',
    path: '/callback',
    fields,
    secret: entry.provided_secret ?? undefined,
    headers: {},
    contentType: '',
    encoding: 'unknown',
    image: undefined,
    imageFilename: undefined,
    imageContentType: undefined,
    hasImage: entry.has_image,
    imageSize: entry.image_size ?? undefined,
    files: [],
    body: undefined,
    bodySize: undefined,
    parseError: undefined,
    receivedAt: entry.received_at,
    receivedAtMs: parseIsoTimestamp(entry.received_at),
    answeredWith: undefined,
  });
}
