import { expect, test, type Locator, type Page } from '@playwright/test';
import { runSuite } from '../support/run-suite.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { chromiumMissingReason, launchDebianChromium } from '../support/debian-chromium.ts';
import { serveFolder } from '../support/static-folder-server.ts';

// The report is what an operator reads: prove in a real browser that its pictures load, the callback
// body shows, and a failure carries its diff picture. The miner's unstable-pixels fault makes the failure.
const CALLBACK_TEST = 'a completed job calls back once, already completed, with the secret and the exact result bytes';
const SAME_REQUEST_TEST = 'the same request twice gives byte-identical PNG files with identical pixels';
const DIFF_PICTURE = 'diff base edit vs the base request again.png';
const CAUSE_FIRST_LINE = 'Same request, different pixels: make the edit deterministic for a fixed seed';
const UI_TIMEOUT_MS = 15_000;

test('the HTML report shows input and output pictures, the callback body, and the diff picture of a failure', async () => {
  const missing = chromiumMissingReason();
  test.skip(missing !== undefined, missing);
  const reportDir = test.info().outputPath('html-report');
  const run = await withReferenceMiner({ faults: ['unstable-pixels'] }, (minerUrl) =>
    runSuite({
      reporter: 'html,./reporters/html-report-opener.ts',
      env: { ASYNC_MINER_URL: minerUrl, PLAYWRIGHT_HTML_OUTPUT_DIR: reportDir, PLAYWRIGHT_HTML_OPEN: 'never' },
      args: ['specs/edit-callback.spec.ts', 'specs/determinism.spec.ts', '--grep', `${CALLBACK_TEST}|${SAME_REQUEST_TEST}`],
    }),
  );
  expect(run.exitCode, `one test must fail, the other pass:\n${run.output}`).toBe(1);

  const server = await serveFolder(reportDir);
  const browser = await launchDebianChromium();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);

    // On opening, before any click: the run's miner, protocol and settings.
    await page.goto(server.url);
    for (const name of ['Miner URL', 'Protocol', 'Settings', 'Reference miner faults'])
      await expect(page.locator('.metadata-properties').getByText(name).first(), `metadata "${name}" on opening`).toBeVisible();
    await expect(page.locator('.metadata-properties')).toContainText('unstable-pixels');

    await openTest(page, server.url, CALLBACK_TEST);
    await expectPictureShown(page, 'input.png');
    await expectPictureShown(page, 'result.png');
    const callback = page.getByTestId('attachments').locator('details', { hasText: /^callback 1 .+\.json/ });
    await callback.locator('summary').click();
    await expect(callback.locator('.attachment-body'), 'the callback body, opened').toBeVisible();
    await expect(callback.locator('.attachment-body')).toContainText('"status": "completed"');

    await openTest(page, server.url, SAME_REQUEST_TEST);
    await expect(page.getByText('byte-identical to "base edit"').first(), "the failure's sentence").toBeVisible();
    // The first line says cause and fix, and wraps: its end is inside the box without scrolling sideways.
    const box = page.locator('.test-error-view').first();
    await expect(box).toContainText(CAUSE_FIRST_LINE);
    const overflow = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow, 'pixels of the error box hidden to the right').toBeLessThanOrEqual(1);
    const causeEnd = box.getByText('as validators replay jobs and compare file hashes.', { exact: false }).first();
    await expect(causeEnd).toBeInViewport();
    await expectPictureShown(page, 'base edit.png');
    await expectPictureShown(page, DIFF_PICTURE);
  } finally {
    await browser.close();
    await server.close();
  }
});

async function openTest(page: Page, reportUrl: string, title: string): Promise<void> {
  await page.goto(reportUrl);
  await page.getByText(title, { exact: true }).first().click();
  await expect(page.getByText(title, { exact: true }).first(), `the page of "${title}"`).toBeVisible();
  await expect(page).toHaveURL(/testId=/);
}

/** The report links each picture for download under its name and shows it as an img of the same file. */
async function expectPictureShown(page: Page, name: string): Promise<void> {
  const link = page.locator(`a[download="${name}"]`);
  await expect(link, `the download link of ${name}`).toBeVisible();
  const img: Locator = page.locator(`img[src="${await link.getAttribute('href')}"]`).first();
  await expect(img, `the picture ${name}`).toBeVisible();
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0)), {
      message: `${name} loaded with a width`,
      timeout: UI_TIMEOUT_MS,
    })
    .toBeGreaterThan(0);
}
