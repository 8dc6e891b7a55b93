/**
 * The bench page (bench.html) end to end in headless Chromium on a software Vulkan driver: run the smallest conv
 * case with one repetition beside TF.js's WebGPU and wasm backends, see the rows (our figure, the peer's, the
 * ratio) and the adapter's ceilings, save the JSON and find `aom-studio bench --json`'s document in it; then start
 * a full run and stop it. The figures here are CPU speeds (the GPU is emulated), which is why nothing checks them
 * beyond being measured. Screenshots go to test-results/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { type BrowserPage, closeBrowserPage, loggedSteps, openBrowserPage, screenshot } from './harness.ts';

interface SavedRow {
  name: string;
  shape: string;
  unit: string;
  ours: number;
  oursMs: number;
  peer?: number;
  peerName?: string;
  ratio?: number;
  peakShare?: number;
}

describe('bench page in Chromium', () => {
  let server: BrowserPage['server'];
  let browser: Browser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ({ server, browser, page, log } = await openBrowserPage({ viewport: { width: 1300, height: 760 }, acceptDownloads: true }));
  }, 120_000);

  afterAll(async () => {
    await closeBrowserPage({ server, browser });
  });

  const withLog = loggedSteps(() => ({ page, log }), 'failed-bench-');
  const cells = (testId: string) => page.getByTestId(testId).allInnerTexts();

  it('runs a filtered bench beside TF.js WebGPU and wasm, shows the rows and saves the CLI JSON', async () => {
    await withLog('run', async () => {
      await page.goto(`${server.url}bench.html`);
      await page.getByTestId('bench-form').waitFor({ state: 'visible', timeout: 30_000 });
      // The smallest conv forward (80 MFLOP), one repetition, no extra repeats: the peaks run first regardless.
      await page.getByTestId('bench-filter').fill('conv forward 64x28x28x1');
      await page.getByTestId('bench-repetitions').fill('1');
      await page.getByTestId('bench-repetitions').dispatchEvent('change');
      await page.getByTestId('bench-min-seconds').fill('0');
      await page.getByTestId('bench-min-seconds').dispatchEvent('change');
      await page.getByTestId('bench-peers').selectOption('all');
      await page.getByTestId('bench-run').click();
      await page.getByTestId('bench-progress').waitFor({ state: 'visible', timeout: 10_000 });
      await page.getByTestId('bench-status').waitFor({ state: 'visible', timeout: 100_000 });
    });
    expect(await page.getByTestId('bench-status').innerText()).toMatch(/^done, 4 rows/);
    expect(await page.getByTestId('bench-adapter').innerText()).toMatch(/GPU: .+/);
    expect(await page.getByTestId('bench-software').count(), 'the software-adapter warning').toBe(1);
    expect(await page.getByTestId('bench-peak').innerText()).toMatch(/\d+\.\d GFLOP\/s \(an FMA loop\), \d+\.\d GB\/s/);
    expect(await cells('bench-case')).toEqual(['adapter fma peak', 'adapter copy peak', 'conv forward', 'conv forward']);
    expect(await cells('bench-peer-name')).toEqual(['–', '–', 'TF.js 4.22 WebGPU', 'TF.js 4.22 wasm']);
    const number = (text: string) => Number(text);
    for (const column of ['bench-ours', 'bench-peer', 'bench-ratio']) {
      const conv = (await cells(column)).slice(2).map(number);
      expect(conv.every((x) => x > 0), `${column}: ${conv}`).toBe(true);
    }
    await screenshot(page, 'bench');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bench-save').click()]);
    expect(download.suggestedFilename()).toMatch(/^aom-studio-bench-.+\.json$/);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { adapter: string; kernels: string; peak: { gflops: number; gbps: number }; rows: SavedRow[] };
    expect(Object.keys(saved)).toEqual(['adapter', 'kernels', 'peak', 'rows']);
    expect(saved.adapter.length).toBeGreaterThan(0);
    expect(saved.kernels).toMatch(/^(lavapipe|tiled)$/);
    expect(saved.peak.gflops).toBeGreaterThan(0);
    expect(saved.peak.gbps).toBeGreaterThan(0);
    expect(saved.rows.map((r) => `${r.name}|${r.peerName ?? ''}`)).toEqual(['adapter fma peak|', 'adapter copy peak|', 'conv forward|TF.js 4.22 WebGPU', 'conv forward|TF.js 4.22 wasm']);
    for (const r of saved.rows.slice(2)) {
      expect(r.shape).toBe('64x28x28x1 -> 32, 5x5');
      expect(r.unit).toBe('GFLOP/s');
      expect(r.ours).toBeGreaterThan(0);
      expect(r.peer).toBeGreaterThan(0);
      expect(r.ratio).toBeGreaterThan(0);
      expect(r.peakShare).toBeGreaterThan(0);
    }
    // The table shows the saved figures (two decimals).
    expect((await cells('bench-ours'))[2]).toBe(saved.rows[2].ours.toFixed(2));
    expect((await cells('bench-ratio'))[3]).toBe(saved.rows[3].ratio!.toFixed(2));
  });

  it('stops a full run at once, keeping the rows already measured', async () => {
    await withLog('stop', async () => {
      await page.getByTestId('bench-filter').fill('');
      await page.getByTestId('bench-run').click();
      // The first row (the FMA ceiling) arrives; then stop, in the middle of the copy ceiling or later.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=bench-row]').length >= 1, null, { timeout: 60_000 });
      await page.getByTestId('bench-stop').click();
      await page.waitForFunction(() => /^stopped/.test(document.querySelector('[data-testid=bench-status]')?.textContent ?? ''), null, { timeout: 5_000 });
    });
    const rows = await page.getByTestId('bench-row').count();
    expect(rows).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('bench-run').isEnabled()).toBe(true);
    expect(await page.getByTestId('bench-stop').isEnabled()).toBe(false);
    expect(await page.getByTestId('bench-status').innerText()).toContain(`${rows} rows`);
  });
});
