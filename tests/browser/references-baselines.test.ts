/**
 * Shipped references and the baselines comparison in headless Chromium, clicked as a user does: open the
 * pre-trained fashion-ref on the built-in MNIST and read what to do (open Fashion-MNIST's IDX files) and the split
 * warning naming both datasets, with nothing of the session lost; then drop two kernels of mnist-ref, retrain
 * briefly, click "Compare with baselines" with a tiny budget and a sweep point (half of every layer's kernels)
 * and two random seeds typed (4, 5; a bad one refused) and read the table (unedited, AOM-guided, L1 norm, APoZ,
 * random per seed, then each at the sweep point) and the
 * plot, and find it again after a reload (v3's, not another version's). Workloads are tiny (10 images per class,
 * 128 training images, 100 test images, 2 steps per baseline retraining): SwiftShader on a busy 2-core machine runs a few hundred MFLOP/s.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type BrowserPage, closeBrowserPage, loggedSteps, openBrowserPage, RESULTS, screenshot } from './harness.ts';

describe('shipped references and baselines in Chromium', () => {
  let server: BrowserPage['server'];
  let browser: Browser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ({ server, browser, page, log } = await openBrowserPage({ viewport: { width: 1400, height: 1000 } }));
  }, 180_000);

  afterAll(async () => {
    await closeBrowserPage({ server, browser });
  });

  const byTestId = (id: string) => page.getByTestId(id).first();
  const waitText = (id: string, pattern: RegExp, timeout = 120_000) =>
    page.waitForFunction(([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''), [id, pattern.source] as const, { timeout });
  const waitRows = (n: number, timeout = 60_000) => page.waitForFunction((n) => document.querySelectorAll('[data-testid=history-row]').length === n, n, { timeout });
  const withLog = loggedSteps(() => ({ page, log }), 'failed-references-');

  it('offers fashion-ref beside mnist-ref; on MNIST it says to open Fashion-MNIST and names the mismatch, keeping the session', async () => {
    await withLog('reference', async () => {
      await page.goto(`${server.url}?fresh&eval-limit=100`);
      await byTestId('studio').waitFor({ state: 'visible', timeout: 120_000 });
      await waitText('model-accuracy', /test accuracy \d+\.\d+% on 100 images/);
      await byTestId('maps-per-class').fill('10');
      await page.locator('[data-testid=maps-panel] input[type=checkbox]').first().uncheck();
      await byTestId('subset').fill('128');
      await page.locator('[data-testid=training-panel] input[type=number]').nth(1).fill('8'); // batch: 16 steps
      await byTestId('epochs').fill('1');

      // Every reference that ships in src/models/ is offered (the page bundles the folder), fashion-ref among them.
      const shipped = readdirSync('src/models', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      expect(shipped).toEqual(expect.arrayContaining(['fashion-ref', 'mnist-ref']));
      expect(await page.getByTestId('reference-choice').locator('option').allTextContents()).toEqual(shipped);
      expect(await page.getByTestId('dataset-advice').count()).toBe(0); // mnist-ref on MNIST: nothing to do
      await byTestId('reference-choice').selectOption('fashion-ref');
      await byTestId('open-reference').click();
      await waitText('model-origin', /fashion-ref v1 — pre-trained fashion-ref/, 60_000);
      const advice = await byTestId('dataset-advice').innerText();
      expect(advice).toMatch(/'fashion-ref' was trained on Fashion-MNIST, but the loaded dataset is 'mnist'/);
      expect(advice).toMatch(/open its four IDX files .* with the Dataset panel's "Files…" picker/);
      expect(advice).toContain('/usr/share/datasets/fashion-mnist (package dataset-fashion-mnist)');
      expect(await byTestId('split-warning').innerText()).toMatch(/model 'fashion-ref' was trained on 'fashion-mnist' \(60000 \+ 10000 images.*\), not on 'mnist'/);
      // A new version beside the pre-trained mnist-ref, which is still there.
      await waitRows(2);
      await screenshot(page, 'references-fashion-ref-on-mnist');
      await byTestId('undo').click();
      await waitText('model-origin', /mnist-ref v0/, 30_000);
      expect(await page.getByTestId('dataset-advice').count()).toBe(0);
    });
  }, 300_000);

  it('compares a drop + retrain with L1 norm, APoZ and random drops of as many kernels, retrained alike: table and plot', async () => {
    await withLog('baselines', async () => {
      expect(await page.getByTestId('compare-baselines').count()).toBe(0); // v0's history drops nothing
      await byTestId('compute-maps').click();
      await page.locator('[data-testid=kernel-row][data-kernel="1"]').waitFor({ state: 'visible', timeout: 180_000 });
      await page.locator('[data-testid=kernel-row][data-kernel="1"]').click();
      await page.locator('[data-testid=kernel-row][data-kernel="3"]').click();
      await byTestId('drop-selected').click();
      await waitRows(3);
      await waitText('baselines-plan', /v2 dropped, from v0: conv1 2 kernel/, 30_000);
      await byTestId('retrain').click();
      await waitRows(4, 300_000);
      await waitText('baselines-plan', /v3 dropped, from v0: conv1 2 kernel\(s\).*as the AOM-guided versions were \(1 epoch\(s\) on 128 images, batch 8\)/, 30_000);
      expect(await byTestId('baselines-subset').inputValue()).toBe('128');

      // A smaller budget than the AOM-guided one: 2 steps of each retraining on 64 images; and a sweep point, half
      // of every layer's kernels. A sweep that is no fraction is named and cannot start.
      await byTestId('baselines-max-steps').fill('2');
      await byTestId('baselines-subset').fill('64');
      await byTestId('baselines-sweep').fill('0.5, 2');
      expect(await byTestId('baselines-sweep-error').innerText()).toBe("sweep: '2' is not a fraction between 0 and 1 (exclusive), such as 0.5");
      expect(await byTestId('compare-baselines').isDisabled()).toBe(true);
      await byTestId('baselines-sweep').fill('0.5');
      expect(await page.getByTestId('baselines-sweep-error').count()).toBe(0);
      // Two random seeds of the user's own instead of 1, 2, 3; a seed that is no whole number is named first.
      expect(await byTestId('baselines-seeds').inputValue()).toBe('1, 2, 3');
      await byTestId('baselines-seeds').fill('4, x');
      expect(await byTestId('baselines-seeds-error').innerText()).toBe("random seeds: 'x' is not a whole number from 0 to 4294967295");
      expect(await byTestId('compare-baselines').isDisabled()).toBe(true);
      await byTestId('baselines-seeds').fill('4, 5');
      expect(await page.getByTestId('baselines-seeds-error').count()).toBe(0);
      await waitText('baselines-plan', /L1 norm, APoZ and at random \(seeds 4, 5\), layer by layer/, 5_000);
      await byTestId('compare-baselines').click();
      await byTestId('baselines-progress').waitFor({ state: 'visible', timeout: 30_000 });
      await byTestId('stop-baselines').waitFor({ state: 'visible', timeout: 5_000 });
      await byTestId('baselines-result').waitFor({ state: 'visible', timeout: 600_000 });
      expect(await page.getByTestId('baselines-error').count()).toBe(0);

      const rows = await page.locator('[data-testid=baselines-row]').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      const methods = ['L1 norm (Li 2017)', 'APoZ (Hu 2016)', 'random, seed 4', 'random, seed 5'];
      expect(rows.map((r) => r[0])).toEqual(['unedited (v0)', 'AOM-guided (v3)', ...methods, ...methods.map((m) => `${m} · sweep 50%`)]);
      expect(rows[0][1]).toBe('conv1 16 · conv2 32');
      for (const r of rows.slice(6)) {
        expect(r[1]).toBe('conv1 8 · conv2 16'); // half of every layer's kernels
        for (const cell of [r[4], r[5]]) expect(cell).toMatch(/^\d+\.\d\d%$/);
      }
      for (const r of rows.slice(1, 6)) {
        expect(r[1]).toBe('conv1 14 · conv2 32'); // the same kernels per layer as the AOM-guided version
        expect(r[2]).toBe(rows[1][2]); // so the same parameters
        for (const cell of [r[4], r[5]]) expect(cell).toMatch(/^\d+\.\d\d%$/);
      }
      expect(await byTestId('baselines-basis').innerText()).toMatch(/same 100 test images .* retrained 1 epoch\(s\) \(at most 2 steps\) on 64 training images/);
      // The plot: one marker per row (a star, a diamond, squares, circles and triangles), and the legend.
      const svg = page.locator('[data-testid=baselines-plot] svg');
      expect(await svg.locator('text').allTextContents()).toEqual(expect.arrayContaining(['AOM-guided (v3)', 'L1 norm (Li 2017)', 'APoZ (Hu 2016)', 'random', 'parameters', 'test accuracy (%)']));
      expect(await svg.locator('circle, polygon, rect[fill="#2ca02c"]').count()).toBeGreaterThanOrEqual(10);
      await byTestId('baselines').scrollIntoViewIfNeeded();
      await screenshot(page, 'references-baselines');
      // The history panel alone (the comparison, the baselines table and plot): the README's picture.
      await page.locator('[data-testid=history-panel]').screenshot({ path: join(RESULTS, 'references-baselines-panel.png') });

      // Minutes of retraining survive a reload: the session keeps the comparison with v3 and shows it again.
      await page.goto(server.url);
      await byTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      await waitRows(4, 30_000);
      await byTestId('baselines-result').waitFor({ state: 'visible', timeout: 30_000 });
      const again = await page.locator('[data-testid=baselines-row]').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(again).toEqual(rows);
      // It is v3's comparison: checking out v2 (not compared) shows none, and back on v3 it returns.
      await byTestId('checkout-v2').click();
      await waitText('baselines-plan', /v2 dropped, from v0/, 30_000);
      expect(await page.getByTestId('baselines-result').count()).toBe(0);
      await byTestId('checkout-v3').click();
      await byTestId('baselines-result').waitFor({ state: 'visible', timeout: 30_000 });
    });
  }, 900_000);
});
