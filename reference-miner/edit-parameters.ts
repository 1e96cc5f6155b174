import { randomInt } from 'node:crypto';
import type { ParsedEditRequest } from '../protocol/edit-job.ts';
import type { EditParameters, EngineQuirks } from './edit-engine.ts';
import type { Faults } from './faults.ts';

const INT32_MAX = 2 ** 31 - 1;

/** What reaches the edit from the request, and the faults that get in between. */
export function editParameters(request: ParsedEditRequest, faults: Faults): EditParameters {
  return {
    prompt: faults.has('prompt-ignored') ? '' : request.prompt,
    seed: editSeed(request.seed, faults),
    guidanceScale: faults.has('guidance-ignored') ? 2.5 : request.guidance_scale,
    numInferenceSteps: faults.has('steps-ignored') ? 28 : request.num_inference_steps,
  };
}

function editSeed(seed: number, faults: Faults): number {
  if (faults.has('seed-ignored')) return 0;
  if (faults.has('seed-zero-random') && seed === 0) return randomInt(0, 2 ** 32);
  if (faults.has('seed-clamped-int32')) return Math.min(seed, INT32_MAX);
  return seed;
}

/**
 * How the engine itself departs from the reference build: another grain amplitude (engine-drift), or
 * a neighbouring job's seed leaking into the grain (queue-dependent-output).
 */
export function engineQuirks(faults: Faults, neighbourSeed: number | undefined): EngineQuirks {
  return {
    grainAmplitude: faults.has('engine-drift') ? 1.25 : 1,
    grainSalt: faults.has('queue-dependent-output') ? neighbourSeed : undefined,
  };
}
