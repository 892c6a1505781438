// Headless Debian Chromium through playwright-core (no downloaded browsers).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
}

// How long any single step may wait (a page to load, an element to appear). A bound for a
// hang, not a speed test: a page on a busy 2-core machine may take seconds, and timings
// that matter are measured and reported instead (lib/report.js, figure()).
export const STEP_TIMEOUT_MS = 30000;

export async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', ...opts });
  ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
  return ctx;
}
