import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

/** What each tier runs, cheapest first; `full` is everything. */
export const TIERS = {
  smoke: { grep: '@smoke' },
  quick: { grepInvert: '@slow' },
  full: {},
} as const satisfies Record<string, TestFilter>;
export type TierName = keyof typeof TIERS;
export type TestFilter = { grep?: string; grepInvert?: string };

export type BenchTier = { name: TierName | 'custom'; filter: TestFilter };

export type BenchOptions = {
  tiers: BenchTier[];
  minerWorkers: number;
  /** The miner answers no HTTP while it edits (MINER_BLOCKS_WHILE_EDITING), as the seed revision's event loop. */
  blocking: boolean;
  /** MINER_CALLBACK_HOLD_SECONDS; undefined leaves the miner's own default (8 s), the compliant miner. */
  holdSeconds: number | undefined;
  /**
   * Playwright workers; two more than the miner has, as playwright.config.ts gives the bundled miner, so a job is
   * queued while one test waits out a held callback and another checks its last result.
   */
  suiteWorkers: number;
  /** Simulated GPU time: fixed per edit, plus per denoising step. */
  latencyMs: number;
  stepMs: number;
  outDir: string;
  help: boolean;
};

/** Shorthands for a miner's shape: the seed revision edits on its event loop, with one worker. */
export const SHAPES = { 'seed-revision': { blocking: true, minerWorkers: 1 } } as const;

const OPTIONS = {
  tier: { type: 'string' },
  grep: { type: 'string' },
  'grep-invert': { type: 'string' },
  'miner-workers': { type: 'string' },
  blocking: { type: 'boolean' },
  'hold-seconds': { type: 'string' },
  shape: { type: 'string' },
  'suite-workers': { type: 'string' },
  'latency-ms': { type: 'string' },
  'step-ms': { type: 'string' },
  'out-dir': { type: 'string' },
  help: { type: 'boolean' },
} as const;
type OptionName = keyof typeof OPTIONS;
const EXAMPLES: Partial<Record<OptionName, string>> = {
  tier: 'quick',
  grep: '@smoke',
  'grep-invert': '@slow',
  'miner-workers': '2',
  'hold-seconds': '8',
  shape: 'seed-revision',
  'suite-workers': '3',
  'latency-ms': '200',
  'step-ms': '100',
  'out-dir': 'bench-results',
};

export const USAGE = `npm run bench -- [options]   (the -- hands the options to the bench rather than to npm)
  --tier smoke|quick|full|all  smoke = --grep @smoke, quick = --grep-invert @slow, full = every test, all = the three in turn (default full)
  --grep <re>, --grep-invert <re>  a test filter of your own instead of a tier
  --latency-ms <ms>            simulated GPU time per edit, the fixed part (default 200)
  --step-ms <ms>               simulated GPU time per denoising step (default 100)
  --miner-workers <n>          the reference miner's INFERENCE_WORKERS (default 1)
  --blocking                   MINER_BLOCKS_WHILE_EDITING=true: the miner answers no HTTP while an edit runs
  --hold-seconds <s>           MINER_CALLBACK_HOLD_SECONDS, fractions allowed (default the miner's own, 8: the
                               compliant miner; below 8 the window rule fails, as it should)
  --shape seed-revision        the seed revision's miner: --blocking with one miner worker
  --suite-workers <n>          Playwright workers (default miner workers + 2, as playwright.config.ts)
  --out-dir <dir>              where bench-<tier>-<workers>w[-blocking][-hold<s>s].json goes (default bench-results)`;

/** A bad command line, said in one sentence: what was expected, what came, what to do. */
export class BenchOptionError extends Error {}

/**
 * Reads the bench's options from its arguments, and from npm's `npm_config_*` variables, which is
 * where `npm run bench --tier=quick` (no `--`) puts them.
 */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const fromArgs = parseArguments(argv, env);
  const values: Partial<Record<OptionName, string | boolean>> = { ...fromNpmConfig(env), ...fromArgs };
  const text = (name: OptionName) => values[name] as string | undefined;
  const shape = chooseShape(text('shape'));
  const minerWorkers = count(text('miner-workers'), 'miner-workers', 1, shape?.minerWorkers ?? 1);
  if (shape && minerWorkers !== shape.minerWorkers)
    throw new BenchOptionError(
      `--shape ${text('shape')} is a miner with ${shape.minerWorkers} worker, but --miner-workers ${minerWorkers} came with it: drop one of the two.`,
    );
  const tiers = chooseTiers(text('tier'), text('grep'), text('grep-invert'));
  return {
    tiers,
    minerWorkers,
    blocking: values.blocking === true || shape?.blocking === true,
    holdSeconds: holdSeconds(text('hold-seconds')),
    suiteWorkers: count(text('suite-workers'), 'suite-workers', 1, minerWorkers + 2),
    latencyMs: count(text('latency-ms'), 'latency-ms', 0, 200),
    stepMs: count(text('step-ms'), 'step-ms', 0, 100),
    outDir: text('out-dir') ?? 'bench-results',
    help: values.help === true,
  };
}

function parseArguments(argv: string[], env: NodeJS.ProcessEnv): Partial<Record<OptionName, string | boolean>> {
  const strayed = npmKeptFlags(env);
  const unknown = npmUnknownFlags(env);
  if (unknown.length > 0)
    throw new BenchOptionError(
      `npm kept ${unknown.join(', ')} for itself (no \`--\` before ${unknown.length > 1 ? 'them' : 'it'}), and the bench takes no such option either: put the bench's options after \`--\` (\`npm run bench -- --help\` lists them).`,
    );
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    if (strayed.length > 0)
      throw new BenchOptionError(
        `npm kept ${strayed.join(', ')} for itself (no \`--\` before ${strayed.length > 1 ? 'them' : 'it'}) and passed on only ${JSON.stringify(positionals.join(' '))}: put \`--\` before the bench's options, as in \`npm run bench -- ${strayed[0]} ${positionals[0] ?? '<value>'}\`.`,
      );
    if (positionals.length > 0)
      throw new BenchOptionError(
        `The bench takes only options, but got ${JSON.stringify(positionals.join(' '))}: write each as --name value (\`npm run bench -- --help\` lists them).`,
      );
    return values;
  } catch (error) {
    if (error instanceof BenchOptionError) throw error;
    throw new BenchOptionError(`${reworded(error as Error & { code?: string }, argv)} (\`npm run bench -- --help\` lists them).`);
  }
}

/** node:util's parse errors, as the bench's sentence: the option that came and what the bench takes. */
function reworded(error: Error & { code?: string }, argv: string[]): string {
  const names = Object.keys(OPTIONS).map((name) => `--${name}`);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(error.message)?.[1] ?? argv.find((arg) => arg.startsWith('-')) ?? '?';
    return `Unknown option ${given}: the bench takes ${names.join(', ')}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--[a-z-]+)/.exec(error.message)?.[1] ?? '--tier';
    if (isFlag(option.slice(2)))
      return `${option} takes no value, but got ${JSON.stringify(argv.find((arg) => arg.startsWith(`${option}=`)) ?? option)}: write it alone, as in ${option}`;
    const next = argv[argv.indexOf(option) + 1];
    const example = `${option} ${EXAMPLES[option.slice(2) as OptionName] ?? '<value>'}`;
    return next === undefined
      ? `${option} needs a value after it, but none came: write it as in ${example}`
      : `${option} needs a value, but the next argument ${JSON.stringify(next)} reads as an option: write it as in ${example}`;
  }
  return `The bench's options could not be read (${error.message}); it takes ${names.join(', ')}`;
}

/** Options that take no value: npm sets them to true, and that is all they say. */
function isFlag(name: string): boolean {
  return OPTIONS[name as OptionName].type === 'boolean';
}

/** `npm run bench --tier quick` sets npm_config_tier=true and passes "quick" on alone: the flags whose values strayed. */
function npmKeptFlags(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(OPTIONS)
    .filter((name) => !isFlag(name) && env[npmConfigName(name)] === 'true')
    .map((name) => `--${name}`);
}

/**
 * `npm run bench --bogus` reaches the bench only as npm_config_bogus=true: the flags that are neither
 * npm's settings (its own definitions, found beside the npm that runs us) nor the bench's.
 */
function npmUnknownFlags(env: NodeJS.ProcessEnv): string[] {
  if (!env.npm_execpath) return [];
  let npmSettings: string[];
  try {
    const { definitions } = createRequire(env.npm_execpath)('@npmcli/config/lib/definitions') as { definitions: object };
    npmSettings = Object.keys(definitions);
  } catch {
    return []; // another npm layout: bare unknown flags go unnoticed, as before
  }
  const known = new Set([...npmSettings, ...Object.keys(OPTIONS)].map(npmConfigName));
  return Object.keys(env)
    .filter((name) => name.startsWith('npm_config_') && env[name] === 'true' && !known.has(name))
    .map((name) => `--${name.slice('npm_config_'.length).replace(/_/g, '-')}`);
}

/** `npm run bench --tier=quick` arrives whole as npm_config_tier=quick, `--blocking` as npm_config_blocking=true: taken as if they followed `--`. */
function fromNpmConfig(env: NodeJS.ProcessEnv): Partial<Record<OptionName, string | boolean>> {
  const values: Partial<Record<OptionName, string | boolean>> = {};
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    const value = env[npmConfigName(name)];
    if (name === 'blocking' && value === 'true') values[name] = true;
    else if (!isFlag(name) && value !== undefined && value !== 'true' && value !== '') values[name] = value;
  }
  return values;
}

function npmConfigName(option: string): string {
  return `npm_config_${option.replace(/-/g, '_')}`;
}

function chooseTiers(tier: string | undefined, grep: string | undefined, grepInvert: string | undefined): BenchTier[] {
  if (grep === undefined && grepInvert === undefined) {
    const name = tier ?? 'full';
    if (name === 'all') return (Object.keys(TIERS) as TierName[]).map((tierName) => ({ name: tierName, filter: TIERS[tierName] }));
    if (!(name in TIERS))
      throw new BenchOptionError(`--tier takes smoke, quick, full or all, but got ${JSON.stringify(name)}: pick one of those.`);
    return [{ name: name as TierName, filter: TIERS[name as TierName] }];
  }
  if (tier !== undefined)
    throw new BenchOptionError(
      `--tier ${tier} already chooses the tests, so --grep/--grep-invert cannot come with it: give one or the other.`,
    );
  const filter: TestFilter = { ...(grep !== undefined && { grep }), ...(grepInvert !== undefined && { grepInvert }) };
  // --grep-invert @slow is the quick tier by another name, and its result file should say so.
  const same = (Object.keys(TIERS) as TierName[]).find((name) => JSON.stringify(TIERS[name]) === JSON.stringify(filter));
  return [{ name: same ?? 'custom', filter }];
}

function chooseShape(name: string | undefined) {
  if (name === undefined) return undefined;
  if (!(name in SHAPES))
    throw new BenchOptionError(
      `--shape takes ${Object.keys(SHAPES).join(' or ')}, but got ${JSON.stringify(name)}: give that, or describe the miner with --blocking, --miner-workers and --hold-seconds.`,
    );
  return SHAPES[name as keyof typeof SHAPES];
}

function holdSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim()))
    throw new BenchOptionError(
      `--hold-seconds takes seconds, 0 or more (fractions allowed), but got ${JSON.stringify(value)}: give one such as --hold-seconds 8.`,
    );
  return Number(value);
}

function count(value: string | undefined, option: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min)
    throw new BenchOptionError(
      `--${option} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, but got ${JSON.stringify(value)}: give one such as --${option} ${Math.max(min, fallback)}.`,
    );
  return Number(value);
}
