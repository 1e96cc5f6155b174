import type { RgbImage } from './edit-engine.ts';
import type { Faults } from './faults.ts';
import { blankCanvas, bytesFromBase64, decodeInput, InputImageError } from './image-input.ts';
import { inputPreparation } from './input-preparation.ts';
import type { Job } from './job-record.ts';

const MIB = 1024 * 1024;

/** The input's pixels, in the worker; for a worker plan the URL wins, image_b64 is the fallback, and no source fails the job. */
export async function resolveInput(job: Job, faults: Faults): Promise<RgbImage> {
  const plan = job.input;
  const preparation = inputPreparation(faults);
  if (plan.kind === 'blank') return blankCanvas();
  if (plan.kind === 'bytes') return decodeInput(plan.bytes, preparation);
  const echo = job.record.request;
  const fromB64 = (b64: string) => decodeInput(bytesFromBase64(b64, preparation), preparation);
  if (plan.imageUrl && !(faults.has('url-loses-to-b64') && plan.imageB64)) {
    try {
      const image = await decodeInput(await download(plan.imageUrl, faults), preparation);
      echo.image_source = 'url';
      return image;
    } catch (error) {
      if (!plan.imageB64 || faults.has('url-no-fallback'))
        throw new InputImageError(`Failed to download image_url ${plan.imageUrl}: ${(error as Error).message}`);
      echo.image_source = 'url_fallback_to_base64';
      return fromB64(plan.imageB64);
    }
  }
  if (!plan.imageB64) throw new InputImageError('Must provide either image_url or image_b64');
  echo.image_source = 'base64';
  return fromB64(plan.imageB64);
}

/** The whole body within 30 s in total, redirects followed, judged by its bytes; a non-200 answer fails. */
async function download(url: string, faults: Faults): Promise<Buffer> {
  const timeoutMs = faults.has('url-short-timeout') ? 2_000 : 30_000;
  const limit = faults.has('url-small-limit') ? MIB : Infinity;
  // url-query-dropped: the URL's query string (a signature) cut off, as a client that "cleans" URLs does
  const target = faults.has('url-query-dropped') ? url.replace(/\?.*$/, '') : url;
  const response = await fetch(target, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: faults.has('url-no-redirects') ? 'manual' : 'follow',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const contentType = response.headers.get('content-type');
  if (faults.has('url-trusts-content-type') && !contentType?.startsWith('image/'))
    throw new Error(`the answer is not an image (Content-Type ${contentType ?? 'missing'})`);
  if (faults.has('url-needs-length') && !response.headers.has('content-length'))
    throw new Error('the answer has no Content-Length, so its size is unknown');
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > limit) throw new Error(`the image is ${bytes.length} bytes, over the 1 MiB download limit`);
  return bytes;
}
