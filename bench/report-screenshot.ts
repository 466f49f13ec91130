// Opens a bench HTML report in headless Chromium (Debian package `chromium`), fails on any
// console error or request that leaves the file, and saves full-page screenshots at a phone
// width and a desktop width.
//
//   npm run bench:screenshot -- REPORT.html OUT.png [--phone OUT-phone.png]

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { phone: { type: 'string' } } });
const [reportPath, screenshotPath] = positionals;
if (reportPath === undefined || screenshotPath === undefined) {
  throw new Error('usage: report-screenshot.ts REPORT.html OUT.png [--phone OUT-phone.png]');
}
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found; install it with: apt-get install chromium`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems: string[] = [];
const reportUrl = pathToFileURL(resolve(reportPath)).href;

async function capture(width: number, output: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== reportUrl && !request.url().startsWith('data:')) problems.push(`request outside the file: ${request.url()}`);
  });
  await page.goto(reportUrl);
  for (const id of ['chart-tokens-per-char', 'chart-tr-pure', 'chart-token-length']) {
    if ((await page.locator(`#${id}`).count()) !== 1) problems.push(`chart #${id} missing`);
  }
  await page.screenshot({ path: output, fullPage: true });
  await page.close();
}

await capture(1280, screenshotPath);
if (values.phone !== undefined) await capture(390, values.phone);
await browser.close();

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log(`opened ${reportPath} without console errors or outside requests; screenshot ${screenshotPath}`);
}
