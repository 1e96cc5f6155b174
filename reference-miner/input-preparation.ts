import { Faults } from './faults.ts';

/** How an input is prepared; each departure from PIL's way is a fault. */
export type InputPreparation = {
  /** base64 with characters outside the alphabet refused, as b64decode(validate=True) does. */
  strictBase64: boolean;
  /** The shrunk size rounded instead of truncated. */
  roundedSize: boolean;
  /** Alpha composited onto white instead of dropped. */
  alphaOnWhite: boolean;
  /** L, LA and P inputs refused. */
  refuseGreyAndPalette: boolean;
  /** A palette image edited as its index values in grey. */
  paletteIndicesAsGrey: boolean;
  /** EXIF orientation applied before editing. */
  applyExifOrientation: boolean;
};

export function inputPreparation(faults: Faults): InputPreparation {
  return {
    strictBase64: faults.has('base64-strict'),
    roundedSize: faults.has('resize-rounded'),
    alphaOnWhite: faults.has('alpha-composited'),
    refuseGreyAndPalette: faults.has('grayscale-refused'),
    paletteIndicesAsGrey: faults.has('palette-indices-as-gray'),
    applyExifOrientation: faults.has('exif-applied'),
  };
}

/** PIL's way: what a healthy miner does. */
export const PIL_PREPARATION: InputPreparation = inputPreparation(new Faults());
