import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { faultListSchema } from '../lib/fault-list.ts';
import { ProxyConfigFileSchema } from '../protocol/epistula.ts';
import { PROXY_FAULTS, isProxyFaultName } from './faults.ts';

/** The proxy's config file as the upstream proxy reads it, and the reference proxy's own switches. */
export const ProxySettingsSchema = z.object({
  config: ProxyConfigFileSchema,
  /** How long POST /edit and /inference wait for the miner before the 202; the upstream proxy waits 10 s. */
  timeoutSeconds: z.coerce.number().positive().default(10),
  /** The upstream proxy's deadline for routes it proxies synchronously; the late-without-202 fault puts /edit there. */
  syncTimeoutSeconds: z.coerce.number().positive().default(300),
  faults: faultListSchema(PROXY_FAULTS, isProxyFaultName),
});
export type ProxySettings = z.output<typeof ProxySettingsSchema>;
export type ProxyOverrides = z.input<typeof ProxySettingsSchema>;

export const CONFIG_PATH_VARIABLE = 'REVERSE_PROXY_CONFIG_PATH';

const VARIABLES = {
  timeoutSeconds: 'PROXY_TIMEOUT_SECONDS',
  faults: 'PROXY_FAULTS',
} as const;

export class ProxyConfigError extends Error {}

/** Where the config file is: REVERSE_PROXY_CONFIG_PATH, else ./config.json; a folder means its config.json, as upstream. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const candidate = resolve(env[CONFIG_PATH_VARIABLE] || 'config.json');
  return existsSync(candidate) && statSync(candidate).isDirectory() ? join(candidate, 'config.json') : candidate;
}

/** Reads the config file and the environment, or says which setting is wrong, what it accepts and what to do. */
export function readProxySettings(env: NodeJS.ProcessEnv): ProxySettings & { configPath: string } {
  const path = configPath(env);
  if (!existsSync(path))
    throw new ProxyConfigError(
      `No proxy config file at ${path}: set ${CONFIG_PATH_VARIABLE} to the proxy's config.json (reference-proxy/config.example.json shows the shape) and start again.`,
    );
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ProxyConfigError(
      `${path} is not JSON (${(error as Error).message}): fix the file ${CONFIG_PATH_VARIABLE} names and start again.`,
    );
  }
  const raw: Record<string, unknown> = { config };
  for (const [key, variable] of Object.entries(VARIABLES)) if (env[variable]) raw[key] = env[variable];
  const describe = (key: string, field: string) =>
    key === 'config' ? `${field} in ${path}` : `${VARIABLES[key as keyof typeof VARIABLES]}=${JSON.stringify(raw[key])}`;
  return { ...parseProxySettings(raw as ProxyOverrides, describe), configPath: path };
}

export function parseProxySettings(
  input: ProxyOverrides,
  describe: (key: string, field: string) => string = (key, field) => (key === 'config' ? field : key),
): ProxySettings {
  const parsed = ProxySettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const [key = '', ...rest] = issue.path.map(String);
  const field = rest.join('.') || 'the whole file';
  const fix = key === 'config' ? 'fix the config file' : `fix ${VARIABLES[key as keyof typeof VARIABLES] ?? key}`;
  throw new ProxyConfigError(`${describe(key, field)} is not accepted (${issue.message}): ${fix} and start again.`);
}
