import { readFileSync } from 'node:fs';
import type { FullConfig } from '@playwright/test';
import type { ProbedMiner } from './miner-probe.ts';
import type { PreparedProxy } from './proxy-target.ts';
import { SECRET_SETTINGS, type Settings } from './settings.ts';

/**
 * The HTML and JSON reports show config.metadata; global setup gets the same FullConfig object the
 * reporters read at the end, so what is written here reaches the report header.
 */
export function describeRunInReport(config: FullConfig, miners: ProbedMiner[], runSettings: Settings, proxy?: PreparedProxy): void {
  const settings = Object.entries(runSettings)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${SECRET_SETTINGS.has(name) ? '***' : String(value)}`)
    .join(' ');
  const suite = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const fleet = miners.length > 1;
  const faults = miners.flatMap(({ context, faults: names }) =>
    Array.isArray(names) && names.length ? [`${fleet ? `${context.minerUrl}: ` : ''}${names.join(', ')}`] : [],
  );
  Object.assign(config.metadata, {
    'Miner URL': miners.map(({ context }) => context.minerUrl).join(', '),
    Protocol: miners.map(({ context, protocol }) => `${fleet ? `${context.minerUrl}: ` : ''}${protocol}`).join(' | '),
    Settings: settings,
    ...(faults.length ? { 'Reference miner faults': faults.join(' | ') } : {}),
    ...(proxy ? { 'Proxy URL': `${proxy.context.proxyUrl}${proxy.context.bundled ? ' (bundled reference proxy)' : ''}` } : {}),
    ...(proxy?.context.bundled && process.env.PROXY_FAULTS ? { 'Reference proxy faults': process.env.PROXY_FAULTS } : {}),
    'Suite version': suite.version,
  });
}
