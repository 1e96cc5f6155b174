import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';

/** Debian's chromium package: no Playwright browser download is needed or made. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const LAUNCH_TIMEOUT_MS = 60_000;

/** Why the report cannot be opened here, or undefined when Debian's chromium is installed. */
export function chromiumMissingReason(): string | undefined {
  return existsSync(DEBIAN_CHROMIUM)
    ? undefined
    : `Debian's chromium is not at ${DEBIAN_CHROMIUM}, so the HTML report is not opened: apt-get install chromium (.ci/run does).`;
}

/** Headless, sandbox-free (root in CI) and silent on the network: it talks only to the report's local server. */
export function launchDebianChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: DEBIAN_CHROMIUM,
    timeout: LAUNCH_TIMEOUT_MS,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
