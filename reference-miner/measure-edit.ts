import sharp from 'sharp';
import { sampleImage } from '../lib/images/sample-image.ts';
import { editPixels, encodePng } from './edit-engine.ts';

// `npm run measure:edit`: the CPU edit's time for a 1024×1024 input, pixels and PNG encoding together.
const RUNS = 15;
const { data, info } = await sharp(await sampleImage({ width: 1024, height: 1024 }))
  .removeAlpha()
  .raw()
  .toBuffer({ resolveWithObject: true });
const input = { width: info.width, height: info.height, data };
const timings: number[] = [];
for (let seed = 0; seed < RUNS; seed++) {
  const started = performance.now();
  await encodePng(editPixels(input, { prompt: 'Make the sky a warm sunset orange', seed, guidanceScale: 4, numInferenceSteps: 10 }));
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);
const at = (q: number) => timings[Math.min(RUNS - 1, Math.floor(q * RUNS))]!.toFixed(1);
console.log(`edit of 1024×1024 over ${RUNS} runs: median ${at(0.5)} ms, fastest ${at(0)} ms, slowest ${at(1)} ms`);
