import sharp from 'sharp';
import type { RgbImage } from './edit-engine.ts';

/** The real miner shrinks inputs whose longer side exceeds this, keeping the aspect ratio. */
const MAX_SIDE = 1024;

/** A request's input that cannot be used; the message is the miner's `detail` or the job's `error`. */
export class InputImageError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes image_b64 to bytes, refusing text that is not base64 (data-URL prefixes allowed). */
export function bytesFromBase64(imageB64: string): Buffer {
  const payload = imageB64.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (payload.length === 0 || payload.length % 4 !== 0 || !BASE64.test(payload))
    throw new InputImageError('Invalid image_b64: not valid base64');
  return Buffer.from(payload, 'base64');
}

/** Reads only the header, as the real miner does at submission; a truncated body passes and fails later. */
export async function assertImageHeader(bytes: Buffer): Promise<void> {
  const metadata = await sharp(bytes)
    .metadata()
    .catch(() => undefined);
  if (!metadata?.format || !['png', 'jpeg', 'webp'].includes(metadata.format))
    throw new InputImageError('Invalid image_b64: the bytes are not a PNG, JPEG or WebP image');
}

/** Decodes fully to RGB and shrinks to 1024 px on the longer side with Lanczos, like the real miner. */
export async function decodeInput(bytes: Buffer): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated' })
      .flatten({ background: '#000000' })
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } catch (error) {
    throw new InputImageError(`Could not decode the input image: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A blank grey canvas: what a miner that accepts no image at all ends up editing. */
export function blankCanvas(): RgbImage {
  return { width: 512, height: 512, data: Buffer.alloc(512 * 512 * 3, 128) };
}
