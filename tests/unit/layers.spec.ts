import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// Arrows point down only: specs → fixtures → setup → lib → protocol; the reporters stand on setup, the reference
// servers on lib and protocol. A file may import its own layer and the layers this table allows, nothing above.
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  lib: ['protocol'],
  setup: ['lib', 'protocol'],
  fixtures: ['setup', 'lib', 'protocol'],
  specs: ['fixtures'],
  advisory: ['fixtures'],
  proxy: ['fixtures'],
  'reference-miner': ['lib', 'protocol'],
  'reference-proxy': ['lib', 'protocol'],
  reporters: ['setup', 'lib', 'protocol'],
  docker: ['setup', 'lib', 'protocol'],
  bench: ['reference-miner', 'setup', 'lib', 'protocol'],
  '.': ['setup', 'lib', 'protocol'], // playwright.config.ts and global-setup.ts
};
// Specs read as test plans on one import: everything they stand on comes through fixtures/index.ts.
const ONLY_ENTRY: Record<string, string> = {
  specs: 'fixtures/index.ts',
  advisory: 'fixtures/index.ts',
  proxy: 'fixtures/index.ts',
};

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMPORT = /(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

function layerOf(file: string): string {
  const top = file.split(path.sep)[0]!;
  return top === file ? '.' : top;
}

function projectFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', '.git', 'tests', 'playwright-report', 'test-results'].includes(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return projectFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(ROOT, full)] : [];
  });
}

test('every import points down the layers', () => {
  expect(importsAgainstTheLayers(), 'imports against the layers (README, "Layout")').toEqual([]);
});

/** Each import that breaks the layer table, as a sentence naming the file, what it imports and what it may. */
function importsAgainstTheLayers(): string[] {
  const wrong: string[] = [];
  for (const file of projectFiles()) {
    const layer = layerOf(file);
    const allowed = ALLOWED[layer];
    if (!allowed) {
      wrong.push(`${file}: its folder ${layer}/ has no place in the layer table of tests/unit/layers.spec.ts`);
      continue;
    }
    for (const match of readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), match[1] ?? match[2]!));
      const targetLayer = layerOf(target);
      if (targetLayer === layer && layer !== '.') continue;
      if (!allowed.includes(targetLayer))
        wrong.push(`${file} imports ${target}: ${layer} may import ${allowed.join(', ') || 'nothing of the project'}`);
      else if (ONLY_ENTRY[layer] && target !== ONLY_ENTRY[layer])
        wrong.push(`${file} imports ${target}: ${layer} imports only ${ONLY_ENTRY[layer]}`);
    }
  }
  return wrong;
}

// Playwright hands out files in name order; the miner-over-time check judges every other test's jobs, so it goes last.
test('the miner-over-time check is the last file of specs/', () => {
  const specFiles = readdirSync(path.join(ROOT, 'specs'))
    .filter((name) => name.endsWith('.spec.ts'))
    .sort((a, b) => a.localeCompare(b));
  expect(specFiles.at(-1), 'the file that sorts last in specs/ (rename a later one, or this check)').toBe('wear-over-time.spec.ts');
});
