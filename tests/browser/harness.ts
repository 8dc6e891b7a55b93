/**
 * Browser-test harness: builds the page with Vite into a private folder, serves it from a tiny static server on
 * 127.0.0.1 (WebGPU needs a secure context: localhost qualifies, file:// does not), and drives Debian's
 * Chromium with playwright-core on the lavapipe software Vulkan driver (flags from shared/WEBGPU-HEADLESS.md).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { inject } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS = join(ROOT, 'test-results', 'browser');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/**
 * The page built with `vite build`, once per test run: into the run's folder from global-setup.ts (not dist/, so
 * `npm run build` never collides), by the first file that asks; later files find its index.html. A lock folder
 * makes a second file that asks while the first builds wait for it (files run one at a time in `npm test`, but a
 * plain `vitest run tests/browser` runs them side by side). Without the global setup: a fresh folder of its own.
 */
export async function buildPage(): Promise<string> {
  const outDir = (inject('pageBuildDir') as string | undefined) ?? mkdtempSync(join(tmpdir(), 'aom-studio-dist-'));
  const done = join(outDir, 'index.html');
  const lock = join(outDir, '.building');
  for (;;) {
    if (existsSync(done) && !existsSync(lock)) return outDir;
    try {
      mkdirSync(lock); // atomic: exactly one file builds
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (!existsSync(done)) {
      await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: false } });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return outDir;
}

/** What a browser test file drives: the served build, Chromium, one page and its recorded console. */
export interface BrowserPage {
  server: { url: string; close: () => Promise<void> };
  browser: Browser;
  page: Page;
  log: string[];
}

/** The shared page build served, Chromium on lavapipe launched, and one page opened with its console recorded. */
export async function openBrowserPage(options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {}): Promise<BrowserPage> {
  const server = await serve(await buildPage());
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 1000 }, acceptDownloads: options.acceptDownloads });
  return { server, browser, page, log: recordConsole(page) };
}

/** Closes what openBrowserPage opened (whatever of it was opened); the build stays for the run's other files. */
export async function closeBrowserPage(opened: Partial<BrowserPage>): Promise<void> {
  await opened.browser?.close();
  await opened.server?.close();
}

/** Serves `dir` on 127.0.0.1 at a free port. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server: no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

/** Chromium with WebGPU on lavapipe, headless. */
export async function launchChromium(options: { webgpu?: boolean; extra?: string[] } = {}): Promise<Browser> {
  const webgpu = options.webgpu ?? true;
  const runtimeDir = join(tmpdir(), 'aom-studio-xdg');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      ...(webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : ['--disable-features=WebGPU', '--disable-gpu']),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.extra ?? []),
    ],
    env: { ...process.env, VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.json', XDG_RUNTIME_DIR: runtimeDir },
  });
}

/** Collects the page's console errors and uncaught exceptions, so a failing test shows what the page said. */
export function recordConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') lines.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  return lines;
}

/**
 * A test step that, when it fails, saves a screenshot named `${prefix}${what}` and rethrows with the page's console,
 * so a failure on CI says what the page said. `opened` reads the file's page and log when the step runs (they are
 * assigned in beforeAll).
 */
export function loggedSteps(opened: () => { page: Page; log: string[] }, prefix: string) {
  return async (what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      const { page, log } = opened();
      await screenshot(page, `${prefix}${what}`);
      throw new Error(`${what}: ${(error as Error).message}\npage console:\n${log.join('\n')}`);
    }
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const readBytes = (path: string): Buffer => readFileSync(path);
