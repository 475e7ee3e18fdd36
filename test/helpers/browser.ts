/**
 * Browser tests: Debian's Chromium driven by playwright-core against a test gateway that serves the dashboard
 * build (`web/dist`). `.ci/run` installs the `chromium` package when `/usr/bin/chromium` is missing; elsewhere the
 * browser tests skip without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB_DIR = join(REPO_ROOT, 'web');
const WEB_DIST = join(WEB_DIR, 'dist');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** The viewport of every page, and so of every screenshot. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * Why the browser tests cannot run here, or undefined when they can. Under `CI=true` a missing Chromium is a
 * failure (`.ci/run` installs it), so this answers undefined there and `launchChromium` throws.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return undefined;
  return `chromium not found at ${CHROMIUM_PATH}`;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH} (CI=true: .ci/run installs the Debian chromium package)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** The newest modification time of the files under `path` (a file or a directory). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Makes sure `web/dist` holds a build of the current `web/` sources — the gateway serves it at `/`. `npm ci` builds
 * it (`prepare`); a missing build, or one older than its sources, is rebuilt with Vite (about two seconds).
 */
export function ensureWebBuild(): void {
  const index = join(WEB_DIST, 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => newestMtime(join(WEB_DIR, name)));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources)) return;
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (built.status !== 0 || !existsSync(index)) {
    throw new Error(`building the dashboard (vite build web) failed:\n${built.stderr || built.stdout || String(built.error)}`);
  }
}

/** A fresh context (no cookies, no storage) with one page at `baseURL`; uncaught page errors are collected. */
export async function openPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/**
 * Takes a screenshot of the viewport (1280×800) — that alone checks the page paints. It is written to
 * `docs/screenshots/<name>.png` (linked from the README) when that file is missing or `OP_UPDATE_SCREENSHOTS=1`, so
 * an ordinary test run leaves the committed images alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Settle: no request in flight, fonts loaded, no hover tooltip or caret in the image.
  await page.mouse.move(0, 0);
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.evaluate('document.fonts.ready.then(() => true)');
  const image = await page.screenshot({ type: 'png', caret: 'hide', animations: 'disabled' });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  if (process.env.OP_UPDATE_SCREENSHOTS === '1' || !existsSync(file)) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(file, image);
  }
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
