import path from 'node:path';

/** Where a job's PNG is written and read: <output>/edits/<id>.png, with the id made safe as a file name. */
export function resultFile(outputDir: string, id: string): string {
  return path.join(outputDir, 'edits', `${id.replace(/[/\\]|\.\./g, '_')}.png`);
}
