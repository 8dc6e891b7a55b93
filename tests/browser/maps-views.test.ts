/**
 * The maps views in headless Chromium (WebGPU on a software driver), used as a user would: the grid's labels
 * stay on the frame's rows while it pans, the page fits 1024x768 without sideways scrolling and the grid fits
 * again on resize, plain wheel scrolls and Ctrl + wheel zooms, one selection across grid, ODM and the kernel
 * table (sortable), every control reachable by Tab (file pickers too) with keyboard cursors and read-outs on the
 * grid and the ODM, colour-blind-safe scales in the legend, a widened layer of 64 kernels with its overview, and
 * presenting forced on an adapter that cannot present, which must end up showing the maps by read-back.
 * Workloads are tiny (10 images per class, no ablation, 200 test images); screenshots go to test-results/browser/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decode } from 'fast-png';
import { type BrowserPage, closeBrowserPage, loggedSteps, openBrowserPage, recordConsole, screenshot } from './harness.ts';

/** BACKGROUND of src/render/heatmap-grid.ts in 8 bits (the gaps between cells) and the box behind the frame. */
const isBackground = (r: number, g: number, b: number) => Math.abs(r - 247) <= 2 && Math.abs(g - 247) <= 2 && Math.abs(b - 245) <= 2;

describe('maps views in Chromium', () => {
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

  const text = (testId: string) => page.getByTestId(testId).first().innerText();
  const withLog = loggedSteps(() => ({ page, log }), 'maps-views-failed-');
  const computeSmallMaps = async (p: Page = page) => {
    await p.getByTestId('maps-per-class').fill('10');
    await p.getByTestId('maps-ablation').uncheck();
    await p.getByTestId('compute-maps').click();
  };
  /** Distinct colours in the grid's pixels: the frame is there (not the empty background). */
  const gridColours = async (p: Page = page) => {
    const png = decode(await p.getByTestId('map-canvas').screenshot());
    const colours = new Set<string>();
    for (let i = 0; i < png.width * png.height; i += 7) colours.add(`${png.data[i * png.channels]},${png.data[i * png.channels + 1]},${png.data[i * png.channels + 2]}`);
    return colours.size;
  };
  const waitForFrame = (p: Page = page) => expect.poll(() => gridColours(p), { timeout: 60_000, interval: 500 }).toBeGreaterThan(20);
  /** Waits until the frame on screen is the one for the current view (software rendering takes a second or more). */
  const frameCurrent = () => page.locator('[data-testid=map-canvas][data-frame=current]').waitFor({ timeout: 60_000 });
  const zoom = async () => Number(/zoom ([\d.]+)/.exec(await text('map-zoom'))![1]);
  const scrollerState = () => page.getByTestId('map-canvas').evaluate((el) => ({ top: el.scrollTop, left: el.scrollLeft, width: el.scrollWidth, client: el.clientWidth }));

  /**
   * Every row label in view sits on its row of the frame on screen: scanning down the middle of a column near the
   * label's top, the gap (background) ends and the row's pixels begin within 1.5 px of where the label begins, and
   * the row's middle is map pixels. `bottom` leaves out labels below that height (the part a pan just uncovered).
   */
  const labelsOnRows = async (bottom = Infinity) => {
    const shot = decode(await page.getByTestId('map-canvas').screenshot());
    const grid = (await page.getByTestId('map-canvas').boundingBox())!;
    const all = await page.getByTestId('row-label').evaluateAll((els) => els.map((e) => ({ kernel: Number((e as HTMLElement).dataset.kernel), selected: e.classList.contains('selected'), ...e.getBoundingClientRect().toJSON() })));
    // Rows next to a selected one are left out: the selection box's border covers the gap between them.
    const labels = all.filter((l, i) => !l.selected && !all[i - 1]?.selected);
    const background = (x: number, y: number) => {
      const i = (y * shot.width + x) * shot.channels;
      return isBackground(shot.data[i], shot.data[i + 1], shot.data[i + 2]);
    };
    // The middle of the first column whose cells are clear of the row labels (the class names sit over it).
    const columns = await page.locator('.col-labels span').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    const column = columns.find((c) => c.left - grid.x > 40)!;
    const x = Math.round(column.left - grid.x + column.width / 2);
    let checked = 0;
    for (const l of labels) {
      const top = l.top - grid.y;
      if (top < 30 || top + l.height > Math.min(bottom, grid.height - 20)) continue; // below the class names, above the edge
      let rowStart = -1;
      for (let y = Math.floor(top) - 6; y <= Math.ceil(top) + 3; y++) if (background(x, y) && !background(x, y + 1)) rowStart = y + 1;
      expect(rowStart, `where k${l.kernel}'s row begins in the frame (its label begins at ${top.toFixed(1)})`).toBeGreaterThan(0);
      expect(Math.abs(rowStart - top), `k${l.kernel}: label at ${top.toFixed(1)}, row at ${rowStart}`).toBeLessThanOrEqual(1.5);
      expect(background(x, Math.round(top + l.height / 2)), `k${l.kernel}'s row has map pixels in its middle`).toBe(false);
      checked++;
    }
    expect(checked, 'labels checked against the frame').toBeGreaterThan(0);
  };

  it('keeps labels and the selection on the frame rows while panning; plain wheel scrolls, Ctrl + wheel zooms', async () => {
    await withLog('pan', async () => {
      await page.goto(`${server.url}?fresh&eval-limit=200`);
      await page.getByTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      await computeSmallMaps();
      await page.getByTestId('maps-summary').waitFor({ state: 'visible', timeout: 120_000 });
      await waitForFrame();
      await page.getByTestId('kernel-row').nth(1).click(); // select k1 from the table
      await expect.poll(() => page.locator('[data-testid=selection-box][data-kernel="1"]').count()).toBe(1);
      await frameCurrent();
      await labelsOnRows();
      // Pan by a row and a half: right away (the new frame takes about a second here) and once it has arrived.
      const before = await scrollerState();
      await page.getByTestId('map-canvas').evaluate((el) => (el.scrollTop += 150));
      await page.waitForTimeout(50);
      await labelsOnRows((await page.getByTestId('map-canvas').boundingBox())!.height - 170);
      const box = (await page.locator('[data-testid=selection-box][data-kernel="1"]').boundingBox())!;
      const label = (await page.locator('[data-testid=row-label][data-kernel="1"]').boundingBox())!;
      expect(Math.abs(box.y + 2 - label.y), 'selection box on the row of k1').toBeLessThan(1.5);
      await frameCurrent();
      await labelsOnRows();

      // A plain wheel scrolls the grid and never zooms; Ctrl + wheel zooms.
      const z = await zoom();
      await page.getByTestId('map-canvas').scrollIntoViewIfNeeded();
      const grid = (await page.getByTestId('map-canvas').boundingBox())!;
      await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
      await page.mouse.wheel(0, 200);
      await expect.poll(async () => (await scrollerState()).top, { timeout: 5000 }).toBeGreaterThan(before.top + 150);
      expect(await zoom()).toBe(z);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -300);
      await page.keyboard.up('Control');
      await expect.poll(zoom, { timeout: 5000 }).toBeGreaterThan(z * 1.2);
      expect((await scrollerState()).width, 'zoomed in: the grid is wider than the box').toBeGreaterThan((await scrollerState()).client);
      await frameCurrent();
      await labelsOnRows();
      await page.getByTestId('fit-maps').click();
      await expect.poll(zoom).toBeCloseTo(z, 2);
      await screenshot(page, 'maps-views-01-pan-1400');
    });
  }, 300_000);

  it('fits 1024x768 without sideways scrolling and fits the grid again on resize', async () => {
    await withLog('resize', async () => {
      const wide = await zoom();
      await page.setViewportSize({ width: 1024, height: 768 });
      await expect.poll(zoom, { timeout: 5000 }).toBeLessThan(wide * 0.9);
      const page1024 = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(page1024.scroll, 'the page does not scroll sideways at 1024 px').toBeLessThanOrEqual(page1024.client);
      const s = await scrollerState();
      expect(s.width, 'the fitted grid is as wide as its box').toBeLessThanOrEqual(s.client + 1);
      await waitForFrame();
      await frameCurrent();
      await labelsOnRows();
      await screenshot(page, 'maps-views-02-1024x768');
      await page.setViewportSize({ width: 1400, height: 1000 });
      await expect.poll(zoom, { timeout: 5000 }).toBeCloseTo(wide, 1);
    });
  }, 120_000);

  it('shares one selection between the grid, the ODM and the sortable kernel table', async () => {
    await withLog('linked', async () => {
      await page.getByTestId('fit-maps').click();
      // Table -> grid and ODM.
      await page.locator('[data-testid=kernel-row][data-kernel="1"]').click(); // k1 was selected: unselect it
      const odmBefore = await page.getByTestId('odm-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
      await page.locator('[data-testid=kernel-row][data-kernel="3"]').click();
      expect(await page.locator('[data-testid=kernel-row][data-kernel="3"]').getAttribute('aria-selected')).toBe('true');
      expect(await page.locator('[data-testid=selection-box][data-kernel="3"]').count()).toBe(1);
      expect(await page.locator('[data-testid=row-label][data-kernel="3"]').getAttribute('class')).toContain('selected');
      expect(await page.getByTestId('odm-canvas').getAttribute('data-selected')).toBe('3');
      expect(await page.getByTestId('odm-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL())).not.toBe(odmBefore);
      expect(await text('kernel-detail')).toMatch(/kernel 3 of conv1/);
      // Grid -> table: click the first cell of the first row (k0).
      await page.getByTestId('map-canvas').scrollIntoViewIfNeeded();
      const grid = (await page.getByTestId('map-canvas').boundingBox())!;
      await page.mouse.click(grid.x + 34 + 15, grid.y + 18 + 15);
      expect(await page.locator('[data-testid=kernel-row][data-kernel="0"]').getAttribute('aria-selected')).toBe('true');
      // ODM: labels on the axes, a read-out under the mouse, a click selects the pair everywhere.
      expect(await page.locator('.odm-top span').count()).toBe(16);
      await page.getByTestId('odm-canvas').scrollIntoViewIfNeeded();
      const cell = { x: 1 + 5.5 * (220 / 16), y: 1 + 2.5 * (220 / 16) }; // row 2, column 5, inside the 1 px border
      await page.getByTestId('odm-canvas').hover({ position: cell });
      expect(await text('odm-readout')).toMatch(/^k2 × k5: ODM \d\.\d{3}$/);
      await page.getByTestId('odm-canvas').click({ position: cell });
      expect(await page.getByTestId('odm-canvas').getAttribute('data-selected')).toBe('2,5');
      expect(await page.locator('[data-testid=kernel-row][aria-selected=true]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kernel))).toEqual(['2', '5']);
      expect(await page.locator('[data-testid=selection-box]').evaluateAll((b) => b.map((e) => (e as HTMLElement).dataset.kernel).sort())).toEqual(['2', '5']);
      // Sorting: occurrence, highest first, then reversed.
      const occurrences = () => page.locator('[data-testid=kernel-row] td:nth-child(2)').evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
      await page.getByTestId('sort-occurrence').click();
      const down = await occurrences();
      expect(down).toEqual([...down].sort((a, b) => b - a));
      await page.getByTestId('sort-occurrence').click();
      const up = await occurrences();
      expect(up).toEqual([...up].sort((a, b) => a - b));
      expect(await page.locator('[data-testid=kernel-row][aria-selected=true]').count(), 'sorting keeps the selection').toBe(2);
      await page.getByTestId('kernel-table').scrollIntoViewIfNeeded();
      await frameCurrent();
      await screenshot(page, 'maps-views-03-linked');
    });
  }, 120_000);

  it('reaches every control by Tab, opens the file pickers from the keyboard, and drives the grid and ODM by keys', async () => {
    await withLog('keyboard', async () => {
      // Every visible, enabled control of the page is reached by Tab (file inputs are reached through their buttons).
      const controls = await page.evaluate(() => {
        const all = [...document.querySelectorAll<HTMLElement>('button, select, input, textarea, a[href], [tabindex]')];
        const usable = all.filter((e) => !(e as HTMLButtonElement).disabled && e.tabIndex >= 0 && e.offsetParent !== null && e.getClientRects().length > 0);
        usable.forEach((e, i) => (e.dataset.tabProbe = String(i)));
        return usable.length;
      });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const reached = new Set<string>();
      for (let i = 0; i < controls + 20; i++) {
        await page.keyboard.press('Tab');
        const probe = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tabProbe ?? null);
        if (probe !== null) reached.add(probe);
      }
      const missed = await page.evaluate((got) => [...document.querySelectorAll<HTMLElement>('[data-tab-probe]')].filter((e) => !got.includes(e.dataset.tabProbe!)).map((e) => e.outerHTML.slice(0, 120)), [...reached]);
      expect(missed, 'controls Tab never reached').toEqual([]);
      expect(await page.locator('[data-testid=dataset-panel] label:has(input[type=file])').count(), 'no file picker hides behind a label').toBe(0);
      // Enter or Space on a picker's button clicks its file input (which is what opens the browser's picker);
      // the probe cancels that click so no dialog stays open.
      await page.evaluate(() => {
        for (const input of document.querySelectorAll<HTMLInputElement>('[data-testid=dataset-panel] input[type=file]')) {
          input.addEventListener('click', (e) => ((input.dataset.opened = String(Number(input.dataset.opened ?? 0) + 1)), e.preventDefault()));
        }
      });
      for (const [button, input, key] of [['dataset-files-button', 'dataset-files', 'Enter'], ['dataset-folder-button', 'dataset-folder', 'Space']] as const) {
        await page.getByTestId(button).focus();
        await page.keyboard.press(key);
        expect(await page.getByTestId(input).getAttribute('data-opened'), `${key} on ${button}`).toBe('1');
      }

      // The grid: arrow keys move the cursor, the read-out names the cell, Enter selects its kernel.
      await page.getByTestId('sort-kernel').click();
      await page.getByTestId('map-sort').selectOption('index');
      await page.locator('[data-testid=kernel-row][data-kernel="2"]').click();
      await page.locator('[data-testid=kernel-row][data-kernel="5"]').click(); // nothing selected now
      await page.getByTestId('map-canvas').focus();
      for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key);
      expect(await page.getByTestId('hover-readout').getAttribute('aria-live')).toBe('polite');
      expect(await text('hover-readout')).toMatch(/^kernel 2 · class 1 · mean AOM = \d\.\d{3} · not selected/);
      await expect.poll(() => page.getByTestId('cursor-box').count()).toBe(1);
      await page.keyboard.press('Enter');
      expect(await text('hover-readout')).toMatch(/kernel 2 · class 1 · .* · selected/);
      expect(await page.locator('[data-testid=kernel-row][data-kernel="2"]').getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('Enter');
      expect(await page.locator('[data-testid=kernel-row][data-kernel="2"]').getAttribute('aria-selected')).toBe('false');
      // The ODM: a cursor over pairs, a read-out, Enter selects the pair.
      await page.getByTestId('odm-canvas').focus();
      await page.keyboard.press('ArrowRight');
      expect(await text('odm-readout')).toMatch(/^k0 × k1: ODM \d\.\d{3}$/);
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('odm-canvas').getAttribute('data-selected')).toBe('0,1');

      // Colour scales: viridis for the AOM, a blue-white-red diverging scale for the CSM, and the legend shows them.
      const legend = () => page.locator('.legend-bar').evaluate((c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 256, 1).data));
      const at = (d: number[], i: number) => d.slice(i * 4, i * 4 + 3);
      const aom = await legend();
      expect(at(aom, 0)).toEqual([0x44, 0x01, 0x54]);
      expect(at(aom, 255)).toEqual([0xfd, 0xe7, 0x25]);
      await page.getByTestId('kind-csm').click();
      const csm = await legend();
      expect(at(csm, 0)).toEqual([0x21, 0x66, 0xac]);
      for (const v of at(csm, 128)) expect(v).toBeGreaterThan(235); // white at 0
      expect(at(csm, 255)).toEqual([0xb2, 0x18, 0x2b]);
      await frameCurrent();
      await screenshot(page, 'maps-views-04-keyboard-csm');
      await page.getByTestId('kind-aom').click();
    });
  }, 180_000);

  it('scales to 64 kernels: only the rows in view are drawn and labelled, an overview jumps, and it fits on resize', async () => {
    await withLog('64 kernels', async () => {
      await page.getByTestId('widen-by').fill('48');
      await page.getByTestId('widen-layer').click();
      await page.waitForFunction(() => /conv1 \(64 kernels\)/.test(document.querySelector('[data-testid=map-layer]')?.textContent ?? ''), null, { timeout: 60_000 });
      await computeSmallMaps();
      await page.waitForFunction(() => /conv1: 64 kernels/.test(document.querySelector('[data-testid=maps-summary]')?.textContent ?? ''), null, { timeout: 180_000 });
      await waitForFrame();
      const labels = await page.getByTestId('row-label').count();
      expect(labels, 'rows labelled: only those in view').toBeLessThan(20);
      expect(labels).toBeGreaterThan(2);
      expect(await page.getByTestId('kernel-row').count()).toBe(64);
      // The overview's box starts at the top; a click near its bottom shows the last rows.
      const mini = (await page.getByTestId('minimap').boundingBox())!;
      const viewBox = async () => (await page.getByTestId('minimap-view').boundingBox())!;
      expect((await viewBox()).y - mini.y).toBeLessThan(4);
      await page.mouse.click(mini.x + mini.width / 2, mini.y + mini.height - 3);
      await expect.poll(async () => page.locator('[data-testid=row-label][data-kernel="63"]').count(), { timeout: 5000 }).toBe(1);
      expect((await viewBox()).y - mini.y).toBeGreaterThan(mini.height / 2);
      expect(await page.locator('[data-testid=row-label][data-kernel="0"]').count()).toBe(0);
      await frameCurrent();
      await labelsOnRows();
      await screenshot(page, 'maps-views-05-64-kernels-1400');
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.waitForTimeout(500);
      const s = await scrollerState();
      expect(s.width).toBeLessThanOrEqual(s.client + 1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await frameCurrent();
      await labelsOnRows();
      await screenshot(page, 'maps-views-06-64-kernels-1024');
    });
  }, 300_000);

  it('falls back to read-back in a fresh worker when presenting is forced on an adapter that cannot present', async () => {
    await page.close(); // one page on the GPU at a time
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    log = recordConsole(page);
    await withLog('present fallback', async () => {
      await page.goto(`${server.url}?fresh&eval-limit=200&render=present`);
      await page.getByTestId('studio').waitFor({ state: 'visible', timeout: 90_000 });
      await page.waitForFunction(() => /test accuracy \d+\.\d+% on 200 images/.test(document.querySelector('[data-testid=model-accuracy]')?.textContent ?? ''), null, { timeout: 120_000 });
      await computeSmallMaps();
      await page.getByTestId('maps-summary').waitFor({ state: 'visible', timeout: 120_000 });
      await page.waitForFunction(() => /Presenting the maps straight to a WebGPU canvas failed/.test(document.querySelector('[data-testid=restore-messages]')?.textContent ?? ''), null, { timeout: 60_000 });
      await expect.poll(() => text('render-mode'), { timeout: 30_000 }).toMatch(/read-back/);
      await waitForFrame();
      expect(await text('maps-summary')).toMatch(/conv1: 16 kernels/);
      // The fresh worker works on: the detail of a kernel needs it.
      await page.locator('[data-testid=kernel-row][data-kernel="4"]').click();
      await page.waitForFunction(() => (document.querySelector('[data-testid=top-images]')?.querySelectorAll('canvas').length ?? 0) >= 8, null, { timeout: 60_000 });
      await screenshot(page, 'maps-views-07-present-fallback');
    });
    await context.close();
  }, 300_000);
});
