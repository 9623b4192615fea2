import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { REPO } from '../datasets.js';

/** Debian's chromium, installed by `.ci/run` (apt-get) when missing. */
export const CHROMIUM = process.env.LOGSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser is there: without it the browser tests are skipped with a visible message. */
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);

/** Where the browser tests save their screenshots (ignored by git). */
export const SCREENSHOT_DIR = path.join(REPO, 'test-output', 'screenshots');

/**
 * Launches the real headless Chromium with playwright-core: one browser per test file (close it
 * in afterAll).
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page screenshot as `test-output/screenshots/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A locator's text, trimmed ('' when it has none): poll it with vitest's `expect.poll`. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.first().textContent({ timeout: 5000 }).catch(() => null)) ?? '').trim();
}
