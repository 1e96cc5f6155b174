import { test } from '@playwright/test';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let standIns = 0;

export type DockerScript = {
  /** Output of `docker ps --filter publish=<port> ...`; empty means no container. */
  ps?: string;
  /** Output of `docker network inspect <name>`. */
  inspect?: string;
  /** Makes every call fail like a CLI with no engine behind it. */
  noEngine?: boolean;
};

/**
 * A fake `docker` executable on a PATH of its own, recording the calls it gets (there is no Docker
 * engine here). It lives in the running test's output folder, which Playwright clears.
 */
export function dockerStandIn(script: DockerScript) {
  const dir = test.info().outputPath(`docker-stand-in-${standIns++}`);
  mkdirSync(dir, { recursive: true });
  const calls = path.join(dir, 'calls.log');
  const body = script.noEngine
    ? `printf '%s\\n' 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1`
    : `case "$1 $2" in
  "ps --filter") printf '%s' ${quote(script.ps ?? '')} ;;
  "network inspect") printf '%s' ${quote(script.inspect ?? '[]')} ;;
  *) exit 2 ;;
esac`;
  writeFileSync(path.join(dir, 'docker'), `#!/bin/bash\nprintf '%s\\n' "$*" >> ${quote(calls)}\n${body}\n`);
  chmodSync(path.join(dir, 'docker'), 0o755);
  return {
    env: { PATH: dir } as NodeJS.ProcessEnv,
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []),
  };
}

export function networkInspectJson(name: string, gateway: string): string {
  return JSON.stringify([
    { Name: name, Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: '172.18.0.0/16', Gateway: gateway }] } },
  ]);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
