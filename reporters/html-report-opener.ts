import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, Reporter } from '@playwright/test/reporter';

// Playwright 1.65's HTML report shows custom metadata only when its address carries #?show-metadata-other
// (no reporter option sets it) and its "Metadata" toggle, closed on opening, is opened; its error box keeps
// long lines on one line (white-space: pre). An operator must see the miner, revision, settings and faults
// at once, and a failure's first line, its cause, without scrolling sideways: this keeps the flag in the
// address (also after the report's own links drop it), opens the toggle once, and lets error lines wrap.
const MARK = '<!-- kontext-e2e: report opener -->';
const OPENER = `${MARK}
<style>.test-error-container, .test-error-container * { white-space: pre-wrap !important; overflow-wrap: anywhere !important; }</style>
<script>
  (() => {
    const FLAG = 'show-metadata-other';
    const keepFlag = () => {
      const hash = location.hash.replace(/^#\\??/, '');
      if (!new URLSearchParams(hash).has(FLAG)) history.replaceState(history.state, '', '#?' + (hash ? hash + '&' : '') + FLAG);
    };
    keepFlag();
    addEventListener('popstate', keepFlag); // registered before the report's own listener, which reads the address
    new MutationObserver((_, observer) => {
      const toggle = document.querySelector('.metadata-toggle[aria-expanded="false"]');
      if (!toggle) return;
      observer.disconnect();
      toggle.click();
    }).observe(document.documentElement, { childList: true, subtree: true });
  })();
</script>`;

/**
 * Runs after the HTML reporter (list it after 'html'): patches the report's index.html so that its
 * Metadata section is open when the report opens and failure messages wrap in their box.
 */
export default class HtmlReportOpener implements Reporter {
  private reportFolder: string | undefined;

  onBegin(config: FullConfig): void {
    const html = config.reporter.find(([name]) => name === 'html');
    if (!html) return;
    const options = (html[1] ?? {}) as { outputFolder?: string };
    const fromEnv = process.env.PLAYWRIGHT_HTML_OUTPUT_DIR || process.env.PLAYWRIGHT_HTML_REPORT;
    const configDir = config.configFile ? path.dirname(config.configFile) : config.rootDir;
    this.reportFolder = fromEnv ? path.resolve(fromEnv) : path.resolve(configDir, options.outputFolder ?? 'playwright-report');
  }

  onEnd(): void {
    const index = this.reportFolder && path.join(this.reportFolder, 'index.html');
    if (!index || !existsSync(index)) return;
    const page = readFileSync(index, 'utf8');
    if (page.includes(MARK) || !page.includes('<head>')) return;
    writeFileSync(index, page.replace('<head>', `<head>\n${OPENER}`));
  }

  printsToStdio(): boolean {
    return false;
  }
}
