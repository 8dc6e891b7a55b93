/**
 * The studio's files in headless Chromium, as a user handles them: export the model (TF.js Layers and ONNX) and
 * import both back, drop a dataset onto the page, insert a layer, pause and resume a training, and save the
 * session as a project file and open it again. Workloads are tiny (the software driver runs a few hundred
 * MFLOP/s); screenshots go to test-results/browser/.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { type BrowserPage, closeBrowserPage, loggedSteps, openBrowserPage, screenshot } from './harness.ts';
import { idxFile } from '../helpers/dataset-files.ts';

describe('files, drag-and-drop, insert and pause in Chromium', () => {
  let server: BrowserPage['server'];
  let browser: Browser;
  let page: Page;
  let log: string[];
  const downloads = mkdtempSync(join(tmpdir(), 'aom-downloads-'));

  beforeAll(async () => {
    ({ server, browser, page, log } = await openBrowserPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true }));
  }, 120_000);

  afterAll(async () => {
    await closeBrowserPage({ server, browser });
    rmSync(downloads, { recursive: true, force: true });
  });

  const text = (id: string) => page.getByTestId(id).first().innerText();
  const historyRows = () => page.getByTestId('history-row').count();
  const waitRows = (n: number) => page.waitForFunction((n) => document.querySelectorAll('[data-testid=history-row]').length === n, n, { timeout: 60_000 });
  const withLog = loggedSteps(() => ({ page, log }), 'failed-files-');
  /** Clicks `testId` and saves the `count` downloads it starts into `dir`; returns their file names. */
  const clickAndSave = async (testId: string, count: number, dir: string): Promise<string[]> => {
    const got: Download[] = [];
    const all = new Promise<void>((resolve) => {
      const on = (d: Download) => {
        got.push(d);
        if (got.length === count) {
          page.off('download', on);
          resolve();
        }
      };
      page.on('download', on);
    });
    await page.getByTestId(testId).click();
    await all;
    for (const d of got) await d.saveAs(join(dir, d.suggestedFilename()));
    return got.map((d) => d.suggestedFilename());
  };

  it('exports the model as TF.js files and as ONNX, and imports both back as new versions', async () => {
    await withLog('export-import', async () => {
      await page.goto(`${server.url}?fresh&eval-limit=100`);
      await page.getByTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      const tfjs = join(downloads, 'tfjs');
      const onnx = join(downloads, 'onnx');
      for (const d of [tfjs, onnx]) rmSync(d, { recursive: true, force: true });
      mkdirSync(tfjs, { recursive: true });
      expect((await clickAndSave('export-model', 2, tfjs)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
      await page.getByTestId('export-format').selectOption('onnx');
      mkdirSync(onnx, { recursive: true });
      expect(await clickAndSave('export-model', 1, onnx)).toEqual(['mnist-ref.onnx']);

      await page.getByTestId('model-files').setInputFiles(readdirSync(tfjs).map((f) => join(tfjs, f)));
      await waitRows(2);
      expect(await text('model-origin')).toMatch(/imported model\.json \(mnist-ref\)/);
      expect(await text('total-params')).toBe('215,370');
      await page.getByTestId('model-files').setInputFiles(join(onnx, 'mnist-ref.onnx'));
      await waitRows(3);
      expect(await text('model-origin')).toMatch(/imported .*mnist-ref\.onnx/);
      expect(await text('total-params')).toBe('215,370');
      // The ONNX file carries the split and preprocessing: the imported version scores like the original.
      await page.getByTestId('evaluate').click();
      await page.waitForFunction(() => /Test accuracy \d+\.\d+%/.test(document.querySelector('[data-testid=evaluation]')?.textContent ?? ''), null, { timeout: 120_000 });
      expect(await text('evaluation')).toMatch(/on 100 of 10,000 test images/);
    });
  }, 300_000);

  it('inserts a layer after conv1 (identity, the same function)', async () => {
    await withLog('insert', async () => {
      // On the pre-trained version (its conv1 has a fused ReLU; the ONNX import's relu is a layer of its own).
      await page.getByTestId('checkout-v0').click();
      await page.waitForFunction(() => document.querySelector('tr.current td:nth-child(2)')?.textContent === '0', null, { timeout: 30_000 });
      const rows = await historyRows();
      await page.getByTestId('insert-after').selectOption('conv1');
      await page.getByTestId('insert-layer').click();
      await waitRows(rows + 1);
      expect(await text('model-origin')).toMatch(/insert/);
      expect(await text('model-accuracy')).toMatch(/inherited from v\d/);
      await page.getByTestId('arch-view-table').click();
      expect(await page.getByTestId('model-panel').innerText()).toMatch(/conv1_deep/);
    });
  }, 120_000);

  it('pauses and resumes a training, then stops it', async () => {
    await withLog('pause', async () => {
      await page.getByTestId('subset').fill('640');
      await page.locator('[data-testid=training-panel] input[type=number]').nth(1).fill('32');
      await page.getByTestId('train').click();
      await page.waitForFunction(() => /step [1-9]\d*\//.test(document.querySelector('[data-testid=train-progress]')?.textContent ?? ''), null, { timeout: 180_000 });
      await page.getByTestId('pause').click();
      await page.waitForFunction(() => /paused/.test(document.querySelector('[data-testid=train-progress]')?.textContent ?? ''), null, { timeout: 60_000 });
      expect(await text('pause')).toBe('Resume');
      const at = await text('train-progress');
      await page.waitForTimeout(3000);
      expect(await text('train-progress'), 'no step while paused').toBe(at);
      await page.getByTestId('pause').click();
      await page.waitForFunction((at) => (document.querySelector('[data-testid=train-progress]')?.textContent ?? '') !== at, at, { timeout: 120_000 });
      await page.getByTestId('stop').click();
      await page.waitForFunction(() => /done: stopped by request/.test(document.querySelector('[data-testid=train-progress]')?.textContent ?? ''), null, { timeout: 120_000 });
    });
  }, 420_000);

  it('saves the session as a project file and opens it again', async () => {
    await withLog('project', async () => {
      const rows = await historyRows();
      const dir = join(downloads, 'project');
      mkdirSync(dir, { recursive: true });
      const [name] = await clickAndSave('save-project', 1, dir);
      expect(name).toMatch(/\.aomproj$/);
      await page.goto(`${server.url}?fresh&eval-limit=100`);
      await page.getByTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      expect(await historyRows()).toBe(1);
      // Dropped onto the page (the Open project button takes the same path through openProject).
      const bytes = [...readFileSync(join(dir, name))];
      const transfer = await page.evaluateHandle(([bytes, name]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes as number[])], name as string));
        return dt;
      }, [bytes, name] as const);
      await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=history-row]').length === n, rows, { timeout: 90_000 });
      await screenshot(page, 'files-project-opened');
    });
  }, 240_000);

  it('loads a dataset dropped onto the page', async () => {
    await withLog('drop', async () => {
      // 20 training and 10 test images of 28x28, in the official MNIST file names (so digits as class names).
      const count = (n: number) => Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256);
      const files = [
        { name: 'train-images-idx3-ubyte', bytes: [...idxFile([20, 28, 28], count(20))] },
        { name: 'train-labels-idx1-ubyte', bytes: [...idxFile([20], Array.from({ length: 20 }, (_, i) => i % 10))] },
        { name: 't10k-images-idx3-ubyte', bytes: [...idxFile([10, 28, 28], count(10))] },
        { name: 't10k-labels-idx1-ubyte', bytes: [...idxFile([10], Array.from({ length: 10 }, (_, i) => i))] },
      ];
      const transfer = await page.evaluateHandle((files) => {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
        return dt;
      }, files);
      await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
      await page.waitForFunction(() => /idx:train-images-idx3-ubyte/.test(document.querySelector('[data-testid=dataset-summary]')?.textContent ?? ''), null, { timeout: 60_000 });
      expect(await text('dataset-summary')).toMatch(/28×28×1, 10 classes/);
      await screenshot(page, 'files-dropped-dataset');
    });
  }, 120_000);
});
