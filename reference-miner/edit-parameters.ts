import { randomInt } from 'node:crypto';
import type { ParsedEditRequest } from '../protocol/edit-job.ts';
import type { EditParameters, EngineQuirks } from './edit-engine.ts';
import type { Faults } from './faults.ts';

const INT32_MAX = 2 ** 31 - 1;

/** What reaches the edit from the request, and the faults that get in between. */
export function editParameters(request: ParsedEditRequest, faults: Faults): EditParameters {
  return {
    prompt: editPrompt(request.prompt, faults),
    seed: editSeed(request.seed, faults),
    guidanceScale: faults.has('guidance-ignored') ? 2.5 : request.guidance_scale,
    numInferenceSteps: faults.has('steps-ignored') ? 28 : request.num_inference_steps,
  };
}

// T5's tokenizer stands in as words and punctuation marks: enough to cut a long instruction where a 256-token encoder would.
const PROMPT_TOKEN = /[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu;
const T5_MAX_TOKENS = 256;

function editPrompt(prompt: string, faults: Faults): string {
  if (faults.has('prompt-ignored')) return '';
  let text = faults.has('prompt-trimmed') ? prompt.trim() : prompt;
  if (faults.has('prompt-truncated-256-tokens')) {
    const cut = [...text.matchAll(PROMPT_TOKEN)][T5_MAX_TOKENS];
    if (cut) text = text.slice(0, cut.index);
  }
  return text;
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
