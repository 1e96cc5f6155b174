import sharp, { type Metadata } from 'sharp';
import type { RgbImage } from './edit-engine.ts';
import { PIL_PREPARATION, type InputPreparation } from './input-preparation.ts';
import { paletteIndicesAsGrey, pngPalette } from './png-palette.ts';
import { decodeBase64, decodeBase64Strict } from './python-base64.ts';

/** The real miner shrinks inputs whose longer side exceeds this, keeping the aspect ratio. */
const MAX_SIDE = 1024;

/** A request's input that cannot be used; the message is the miner's `detail` or the job's `error`. */
export class InputImageError extends Error {}

/** Decodes image_b64 as Python's base64.b64decode does (non-alphabet characters skipped); a data-URL prefix is allowed. */
export function bytesFromBase64(imageB64: string, preparation = PIL_PREPARATION): Buffer {
  const payload = imageB64.replace(/^data:[^,]*,/, '');
  const bytes = preparation.strictBase64 ? decodeBase64Strict(payload) : decodeBase64(payload);
  if (!bytes) throw new InputImageError('Invalid image_b64: not valid base64');
  return bytes;
}

/** Reads only the header, as the real miner does at submission; a truncated body passes and fails later. */
export async function assertImageHeader(bytes: Buffer, preparation = PIL_PREPARATION): Promise<void> {
  const metadata = await sharp(bytes)
    .metadata()
    .catch(() => undefined);
  if (!metadata?.format || !['png', 'jpeg', 'webp'].includes(metadata.format))
    throw new InputImageError('Invalid image_b64: the bytes are not a PNG, JPEG or WebP image');
  assertModeAccepted(metadata, preparation);
}

/** PIL's mode name for what sharp read. */
export function pilMode(metadata: Metadata): 'P' | 'CMYK' | 'L' | 'LA' | 'RGB' | 'RGBA' {
  if (metadata.isPalette) return 'P';
  if (metadata.space === 'cmyk') return 'CMYK';
  if (metadata.space === 'b-w' || metadata.space === 'grey16') return metadata.hasAlpha ? 'LA' : 'L';
  return metadata.hasAlpha ? 'RGBA' : 'RGB';
}

function assertModeAccepted(metadata: Metadata, preparation: InputPreparation): void {
  const mode = pilMode(metadata);
  if (preparation.refuseGreyAndPalette && ['L', 'LA', 'P'].includes(mode))
    throw new InputImageError(`Invalid image_b64: unsupported image mode ${mode}, only RGB, RGBA and CMYK images are edited`);
}

/** PIL's new size for an input whose longer side exceeds 1024: `int(side * 1024 / longer)`, truncated. */
export function preparedSize(width: number, height: number, preparation = PIL_PREPARATION): { width: number; height: number } {
  if (Math.max(width, height) <= MAX_SIDE) return { width, height };
  const shorter = (side: number, longer: number) => (preparation.roundedSize ? Math.round : Math.trunc)((side * MAX_SIDE) / longer);
  return width > height ? { width: MAX_SIDE, height: shorter(height, width) } : { width: shorter(width, height), height: MAX_SIDE };
}

/**
 * Prepares the input as the real miner's PIL does: `convert("RGB")` (alpha dropped, not composited;
 * grey, palette and CMYK expanded), EXIF orientation not applied, then a Lanczos resize to PIL's size.
 */
export async function decodeInput(bytes: Buffer, preparation = PIL_PREPARATION): Promise<RgbImage> {
  let rgb: RgbImage;
  try {
    rgb = await convertToRgb(bytes, preparation);
  } catch (error) {
    if (error instanceof InputImageError) throw error;
    throw new InputImageError(`Could not decode the input image: ${(error as Error).message.split('\n')[0]}`);
  }
  const size = preparedSize(rgb.width, rgb.height, preparation);
  if (size.width === rgb.width && size.height === rgb.height) return rgb;
  if (size.width === 0 || size.height === 0)
    throw new InputImageError(
      `Could not resize the input image: ${rgb.width}×${rgb.height} shrinks to an empty ${size.width}×${size.height}`,
    );
  // A second pipeline on the RGB pixels: resizing with alpha present would premultiply it into the colours.
  const data = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { ...size, data };
}

async function convertToRgb(bytes: Buffer, preparation: InputPreparation): Promise<RgbImage> {
  // PIL ignores embedded ICC profiles; sharp would otherwise convert through them.
  const image = sharp(bytes, { failOn: 'truncated', ignoreIcc: true });
  const metadata = await image.metadata();
  assertModeAccepted(metadata, preparation);
  if (preparation.applyExifOrientation) image.autoOrient();
  if (metadata.space === 'cmyk') {
    const { data, info } = await image.toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: cmykToRgb(data) };
  }
  if (preparation.alphaOnWhite && metadata.hasAlpha) image.flatten({ background: '#ffffff' });
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const palette = preparation.paletteIndicesAsGrey && metadata.isPalette ? pngPalette(bytes) : undefined;
  return { width: info.width, height: info.height, data: palette ? paletteIndicesAsGrey(data, palette) : data };
}

/** Pillow's cmyk2rgb: each channel is (255 - k) scaled down by its ink, rounded as MULDIV255 does. */
function cmykToRgb(cmyk: Buffer): Buffer {
  const rgb = Buffer.allocUnsafe((cmyk.length / 4) * 3);
  for (let i = 0, o = 0; i < cmyk.length; i += 4, o += 3) {
    const nk = 255 - cmyk[i + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = cmyk[i + c]! * nk + 128;
      rgb[o + c] = Math.max(0, nk - (((t >> 8) + t) >> 8));
    }
  }
  return rgb;
}

/** A blank grey canvas: what a miner that accepts no image at all ends up editing. */
export function blankCanvas(): RgbImage {
  return { width: 512, height: 512, data: Buffer.alloc(512 * 512 * 3, 128) };
}
