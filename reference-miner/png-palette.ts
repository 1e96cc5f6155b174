/** The colours of a PNG's PLTE chunk, in index order, or undefined when it has none. */
export function pngPalette(png: Buffer): [number, number, number][] | undefined {
  for (let offset = 8; offset + 8 <= png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'PLTE') {
      const colours: [number, number, number][] = [];
      for (let i = offset + 8; i + 3 <= offset + 8 + length; i += 3) colours.push([png[i]!, png[i + 1]!, png[i + 2]!]);
      return colours;
    }
    if (type === 'IDAT' || type === 'IEND') return undefined;
    offset += 12 + length;
  }
  return undefined;
}

/** Each RGB pixel's index in the palette (the first entry of that colour), as grey RGB. */
export function paletteIndicesAsGrey(rgb: Buffer, palette: [number, number, number][]): Buffer {
  const indexOf = new Map<number, number>();
  palette.forEach(([r, g, b], index) => {
    const key = (r << 16) | (g << 8) | b;
    if (!indexOf.has(key)) indexOf.set(key, index);
  });
  const grey = Buffer.alloc(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) grey.fill(indexOf.get((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!) ?? 0, i, i + 3);
  return grey;
}
