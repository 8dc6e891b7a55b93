/**
 * The studio's versions in headless Chromium, clicked as a user does: the architecture graph (click a conv layer
 * to choose it for the maps), "Create a model", guided mode's steps from the model's own conv layers and its
 * one-click "apply, retrain, compare", the history as a tree with branches, any two versions compared with
 * their training curves overlaid and before/after maps of the same kernels, Ctrl+Z / Ctrl+Shift+Z, and a reload
 * that keeps the curves. Workloads are tiny (10 images per class, no ablation, 128 training images, 200 test
 * images): the software driver runs a few hundred MFLOP/s. Screenshots go to test-results/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type BrowserPage, closeBrowserPage, loggedSteps, openBrowserPage, screenshot } from './harness.ts';

/** v0 -> v1 widen -> v2 drop (the guided step) -> v3 retrain; v0 -> v4 widen (a branch). */
const TREE = ['', '├─ ', '│  └─ ', '│     └─ ', '└─ '];

describe('versions, graph and guided mode in Chromium', () => {
  let server: BrowserPage['server'];
  let browser: Browser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ({ server, browser, page, log } = await openBrowserPage({ viewport: { width: 1400, height: 1000 } }));
  }, 120_000);

  afterAll(async () => {
    await closeBrowserPage({ server, browser });
  });

  const byTestId = (id: string) => page.getByTestId(id).first();
  const text = (id: string) => byTestId(id).innerText();
  const waitText = (id: string, pattern: RegExp, timeout = 120_000) =>
    page.waitForFunction(([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''), [id, pattern.source] as const, { timeout });
  const currentVersion = () => page.locator('tr.current td:nth-child(2)').innerText();
  const waitCurrent = (id: number) => page.waitForFunction((id) => document.querySelector('tr.current td:nth-child(2)')?.textContent === String(id), id, { timeout: 30_000 });
  const labels = () => page.getByTestId('version-label').allInnerTexts();
  const computeSmallMaps = async () => {
    const before = await page.getByTestId('maps-summary').count() ? await text('maps-summary') : '';
    await byTestId('compute-maps').click();
    await page.waitForFunction((before) => {
      const summary = document.querySelector('[data-testid=maps-summary]')?.textContent ?? '';
      return summary !== '' && summary !== before && !/Computing/.test(document.querySelector('[data-testid=compute-maps]')?.textContent ?? '');
    }, before, { timeout: 120_000 });
  };
  const withLog = loggedSteps(() => ({ page, log }), 'failed-versions-');

  it('draws the architecture as a graph, offers the architectures that fit, and chooses a layer by a click', async () => {
    await withLog('graph', async () => {
      await page.goto(`${server.url}?fresh&eval-limit=200`);
      await byTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      await waitText('model-accuracy', /test accuracy \d+\.\d+% on 200 images/);
      // Tiny workloads, set in the forms (they are kept with the session).
      await byTestId('maps-per-class').fill('10');
      await page.locator('[data-testid=maps-panel] input[type=checkbox]').first().uncheck();
      await byTestId('subset').fill('128');
      await byTestId('eval-limit').fill('200');
      await page.locator('[data-testid=training-panel] input[type=number]').nth(1).fill('8'); // batch: 16 steps
      await byTestId('epochs').fill('1');

      expect(await page.locator('[data-testid=architecture-graph] [data-testid^=arch-node-]').count()).toBe(7);
      expect(await byTestId('arch-node-conv1').textContent()).toMatch(/conv2d conv1.*16 kernels.*416 params/);
      expect(await page.locator('[data-testid=architecture-graph] .arch-shape').allTextContents()).toContain('28×28×16');
      // Built-in architectures for 28x28x1 images (cifar-ref, for 32x32x3, is not offered).
      const offered = await page.getByTestId('create-model-arch').locator('option').allTextContents();
      expect(offered).toContain('mnist-ref');
      expect(offered).not.toContain('cifar-ref');

      await byTestId('arch-node-conv2').click();
      await page.waitForFunction(() => (document.querySelector('[data-testid=map-layer]') as HTMLSelectElement | null)?.value === 'conv2', null, { timeout: 10_000 });
      expect(await byTestId('arch-node-conv2').getAttribute('class')).toMatch(/chosen/);
      await byTestId('arch-node-conv1').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (document.querySelector('[data-testid=map-layer]') as HTMLSelectElement | null)?.value === 'conv1', null, { timeout: 10_000 });
      await screenshot(page, 'v01-architecture-graph');
    });
  }, 240_000);

  it('guides by the model\'s own conv layers; a step takes you to its panel; one click applies, retrains and compares', async () => {
    await withLog('guide', async () => {
      const keys = await page.locator('[data-testid^=guide-step-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(keys).toEqual(['guide-step-train', 'guide-step-layer-conv1', 'guide-step-layer-conv2', 'guide-step-export']);
      expect(await byTestId('guide-step-layer-conv1').getAttribute('data-status')).toBe('active');

      await byTestId('guide-go-layer-conv2').click();
      await page.waitForFunction(() => (document.querySelector('[data-testid=map-layer]') as HTMLSelectElement | null)?.value === 'conv2', null, { timeout: 10_000 });
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'compute-maps', null, { timeout: 10_000 });

      // Widening by Net2WiderNet copies kernels: the copies are redundant (ODM 0), so conv1's maps make a
      // suggestion even without ablation (the pre-trained conv1 has no dead or redundant kernel to drop).
      await byTestId('map-layer').selectOption('conv1');
      await byTestId('widen-layer').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-row]').length === 2, null, { timeout: 30_000 });
      expect((await labels())[1]).toBe('v1 widen conv1 +4');
      // An edit of conv1 on the current version's path makes its step done; conv2's is next.
      expect(await byTestId('guide-step-layer-conv1').getAttribute('data-status')).toBe('done');
      expect(await byTestId('guide-step-layer-conv2').getAttribute('data-status')).toBe('active');
      await byTestId('guide-run-conv1').click();
      await byTestId('guide-stage').waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-row]').length === 4, null, { timeout: 300_000 });
      await waitText('comparison', /v1 widen conv1 \+4 → v3 retrain/, 60_000);
      expect(await page.getByTestId('guide-error').count()).toBe(0);
      expect(await byTestId('guide-step-layer-conv1').getAttribute('data-status')).toBe('done');
      expect(await byTestId('guide-step-layer-conv2').getAttribute('data-status')).toBe('active');
      expect((await labels())[2]).toMatch(/^v2 drop conv1 k/);

      // The graph marks the edit under way (the retrain shows its parent's edit).
      expect(await byTestId('arch-node-conv1').getAttribute('data-mark')).toBe('dropped');
      expect(await byTestId('arch-mark').textContent()).toMatch(/^v2: −\d+ kernel/);
      // The retrained version's curves are overlaid in the history.
      await waitText('version-curves-caption', /Training curves of v3 retrain/, 10_000);
      const legend = await page.locator('[data-testid=version-curves] .u-legend').innerText();
      expect(legend).toContain('v3 retrain loss');
      expect(legend).toContain('v3 retrain val. accuracy');
      await screenshot(page, 'v02-guided-step');
    });
  }, 420_000);

  it('shows before/after maps of the same kernels once both versions have maps of the layer', async () => {
    await withLog('strips', async () => {
      await byTestId('kernel-strips-missing').waitFor({ state: 'visible', timeout: 10_000 });
      await byTestId('map-layer').selectOption('conv1');
      await computeSmallMaps(); // v3's maps of conv1 (v1's were computed by the guided step)
      await waitText('kernel-strips', /conv1: \d+ kernels in both, dropped k\d+/, 30_000);
      const shot = await byTestId('kernel-strips-canvas').screenshot();
      const { decode } = await import('fast-png');
      const png = decode(shot);
      const colours = new Set<string>();
      for (let i = 0; i < png.width * png.height; i += 5) colours.add(`${png.data[i * png.channels]},${png.data[i * png.channels + 1]},${png.data[i * png.channels + 2]}`);
      expect(colours.size, 'distinct colours in the strips').toBeGreaterThan(20);
      await byTestId('comparison').scrollIntoViewIfNeeded();
      await screenshot(page, 'v03-before-after-strips');
    });
  }, 240_000);

  it('branches from an older version, draws the tree, compares any two, and undoes and redoes by keyboard', async () => {
    await withLog('tree', async () => {
      await byTestId('checkout-v0').click();
      await waitCurrent(0);
      await byTestId('map-layer').selectOption('conv1');
      await byTestId('widen-layer').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-row]').length === 5, null, { timeout: 30_000 });
      await waitCurrent(4);
      expect((await labels())[4]).toBe('v4 widen conv1 +4');
      const prefixes = await page.locator('[data-testid=history-row] .tree-prefix').allTextContents();
      expect(prefixes).toEqual(TREE);
      expect(await page.locator('tr.current [data-testid=current-version]').count()).toBe(1);

      // v1 and v4 are both "widen conv1 +4" of v0, on two branches: v1's added kernels are not v4's.
      await computeSmallMaps(); // v4's maps of conv1: 20 kernels
      await byTestId('pick-v1').check();
      await byTestId('pick-v4').check();
      await waitText('comparison', /v1 widen conv1 \+4 → v4 widen conv1 \+4/, 30_000);
      await waitText('kernel-strips', /conv1: 16 kernels in both, dropped k16, k17, k18, k19, added k16, k17, k18, k19/, 30_000);
      // Any two: the two branch tips.
      await byTestId('pick-v1').uncheck();
      await byTestId('pick-v3').check();
      await waitText('comparison', /v3 retrain → v4 widen conv1 \+4/, 30_000);
      await waitText('version-curves-caption', /Training curves of v3 retrain/, 10_000);
      await screenshot(page, 'v04-tree-compare-1400');

      // Ctrl+Z / Ctrl+Shift+Z move in the history, but not while typing in a field.
      await page.locator('[data-testid=history-panel] h2').click();
      await page.keyboard.press('Control+z');
      await waitCurrent(0);
      // The shortcut is ignored while the history is busy, as the Redo button is disabled then: wait, as a user would, until it is enabled.
      await page.waitForFunction(() => (document.querySelector('[data-testid=redo]') as HTMLButtonElement | null)?.disabled === false, null, { timeout: 30_000 });
      await page.keyboard.press('Control+Shift+Z');
      await waitCurrent(4);
      await byTestId('epochs').focus();
      await page.keyboard.press('Control+z');
      await page.waitForTimeout(500);
      expect(await currentVersion()).toBe('4');

      await page.setViewportSize({ width: 1024, height: 768 });
      await page.waitForTimeout(800);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll at 1024 px').toBeLessThanOrEqual(1024);
      await screenshot(page, 'v05-tree-compare-1024');
      await page.setViewportSize({ width: 1400, height: 1000 });
    });
  }, 300_000);

  it('keeps every version\'s curves and the tree after a reload', async () => {
    await withLog('reload', async () => {
      await page.goto(server.url);
      await byTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      // The history arrives from the worker just after the studio shows.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-row]').length === 5, null, { timeout: 30_000 });
      expect(await page.locator('[data-testid=history-row] .tree-prefix').allTextContents()).toEqual(TREE);
      await byTestId('pick-v3').check();
      await waitText('comparison', /v3 retrain → v4 widen conv1 \+4/, 30_000);
      await waitText('version-curves-caption', /Training curves of v3 retrain/, 10_000);
      expect(await page.locator('[data-testid=version-curves] .u-legend').innerText()).toContain('v3 retrain loss');
    });
  }, 180_000);
});
