import { fileDigest } from './wire-body.ts';
import type { CallbackReceipt } from './callback-receipt.ts';

/** The form fields of a completed callback besides its file part (docs/protocol.md, "The callback"). */
const COMPLETED_FIELDS = ['job_id', 'status', 'completed_at', 'image_url'] as const;

/**
 * What a completed callback gets wrong in its parts, one sentence each: the fields' names, the file part's
 * name, label and filename, and whether its bytes are its own job's result (`results`: each job's results
 * by id, several for a reused id; a job not in it is not judged). Receipts read from an external receiver's listing carry no parts.
 */
export function callbackPartProblems(receipt: CallbackReceipt, results: ReadonlyMap<string, readonly Buffer[]>): string[] {
  const jobId = receipt.jobId ?? receipt.urlJobId;
  const own = jobId === undefined ? undefined : results.get(jobId);
  if (receipt.source !== 'receiver' || receipt.fields.status !== 'completed' || !own || receipt.encoding !== 'multipart') return [];
  const who = `The completed callback of job ${jobId}`;
  const problems: string[] = [];
  const missing = COMPLETED_FIELDS.filter((name) => receipt.fields[name] === undefined);
  if (missing.length)
    problems.push(
      `${who} lacks the form field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it sent ${Object.keys(receipt.fields).join(', ') || 'none'}): send ${COMPLETED_FIELDS.join(', ')} and the file part image.`,
    );
  const part = receipt.files.find((file) => file.field === 'image') ?? receipt.files[0];
  if (!part) return problems; // no file part at all is the callback's own problem, named with it
  if (part.field !== 'image')
    problems.push(`${who} sends its file part as "${part.field}", not "image": validators read the part named image.`);
  if (part.contentType.split(';')[0]!.trim().toLowerCase() !== 'image/png')
    problems.push(`${who} labels its file part ${part.contentType || 'with no content type'}, not image/png: label the PNG image/png.`);
  if (part.filename !== `${jobId}.png`)
    problems.push(`${who} names its file "${part.filename}", not "${jobId}.png": name the file after its job.`);
  if (!own.some((png) => png.equals(part.bytes))) {
    const other = [...results].find(([id, pngs]) => id !== jobId && pngs.some((png) => png.equals(part.bytes)))?.[0];
    problems.push(
      other
        ? `${who} carries the image of job ${other}, not its own result: jobs that run side by side must each call back with their own PNG.`
        : `${who} carries an image (SHA-256 ${fileDigest(part.bytes).slice(0, 12)}…) that is not its result from GET /edit/result (SHA-256 ${fileDigest(own.at(-1)!).slice(0, 12)}…): send the result file's bytes.`,
    );
  }
  return problems;
}

/** Raised when a test ends with completed callbacks whose parts are wrong: one sentence per problem. */
export class CallbackPartsWrong extends Error {
  override name = 'CallbackPartsWrong';
}
