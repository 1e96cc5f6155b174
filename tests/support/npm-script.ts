import { runCommand } from '../../docker/run-command.ts';
import { PROJECT_ROOT } from '../../docker/miner-project.ts';

/** Runs `npm run <script>` in the project as an operator would; output is stdout and stderr together. */
export async function runNpmScript(script: string, env: Record<string, string>, timeoutMs: number) {
  const result = await runCommand('npm', ['run', '--silent', script], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeoutMs });
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}
