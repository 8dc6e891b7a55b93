/**
 * A one-page HTML report of a tuning session (a project, session/project-file.ts) that opens offline: nothing is
 * fetched, the styles are inline, the maps are PNG data URLs and the curves inline SVG. Sections: the
 * architecture before (the root of the current version's path) and after (the current version), the table of
 * steps along that path (what each version changed, the suggestion that motivated it, parameters, FLOPs,
 * validation and test accuracy), for each edit the maps of the layer it changed as they were when it was
 * decided (the parent version's AOM atlas and ODM, with the suggestion's reason), and the training curves of the
 * retrained versions plus test accuracy against parameters along the path.
 */
import { encodeAtlasPng } from '../analysis/atlas.ts';
import { encodeOdmPng } from '../analysis/odm-png.ts';
import { summarizeModel } from '../nn/shapes.ts';
import type { LayerMaps } from '../session/engine-api.ts';
import type { ProjectContents } from '../session/project-file.ts';
import { historyRows, type HistoryRow } from '../session/history-export.ts';
import { describeEdit, type Edit } from '../surgery/edits.ts';
import { ModelHistory, type Version } from '../surgery/history.ts';
import { plotSvg } from './plot-svg.ts';
import { scatterPlot } from './scatter-plot.ts';

const escapeHtml = (text: string): string => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648), the same in Node and the page. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? BASE64[n & 63] : '=';
  }
  return out;
}

const pngImg = (png: Uint8Array, alt: string): string => `<img alt="${escapeHtml(alt)}" src="data:image/png;base64,${base64(png)}">`;
const pct = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(2)}%`);
const int = (v: number): string => v.toLocaleString('en-US');

function architectureTable(version: Version): string {
  const s = summarizeModel(version.model.spec);
  const rows = s.layers.map((l) => `<tr><td>${escapeHtml(l.name)}</td><td>${l.kind}</td><td>[${l.outputShape.join(', ')}]</td><td>${int(l.params)}</td><td>${int(l.flops)}</td></tr>`);
  return `<table><tr><th>layer</th><th>kind</th><th>output</th><th>params</th><th>FLOPs</th></tr>${rows.join('')}<tr><th>total</th><th></th><th></th><th>${int(s.totalParams)}</th><th>${int(s.totalFlops)}</th></tr></table>`;
}

/** The layer whose maps motivated an edit: the one it drops from or widens, or the one an insert follows. */
const editLayer = (edit: Edit): string => (edit.kind === 'insert' ? edit.after : edit.layer);

function mapsSection(version: Version, maps: LayerMaps | undefined): string {
  const edit = version.edit!;
  const suggestions = (Array.isArray(version.suggestion) ? version.suggestion : version.suggestion ? [version.suggestion] : []) as { rule?: string; reason?: string }[];
  const why = suggestions.map((s) => `<li>${escapeHtml(`${s.rule ?? ''}: ${s.reason ?? ''}`)}</li>`).join('');
  const head = `<h3>v${version.id}: ${escapeHtml(describeEdit(edit))}</h3>${why ? `<ul>${why}</ul>` : '<p>No suggestion recorded (a manual edit).</p>'}`;
  if (!maps) return `${head}<p>No maps of ${escapeHtml(editLayer(edit))} were kept for version ${version.parent}.</p>`;
  const shape = { kernels: maps.kernels, classes: maps.classes, height: maps.height, width: maps.width };
  return (
    `${head}<p>Maps of ${escapeHtml(maps.layer)} in version ${maps.versionId} (${int(maps.imagesPerClass.reduce((a, b) => a + b, 0))} analysis images): ` +
    'AOM atlas (rows: kernels, columns: classes) and ODM (kernel against kernel; dark: redundant pairs).</p>' +
    `<div class="maps">${pngImg(encodeAtlasPng(maps.aom, shape, { layer: maps.layer, classNames: maps.classNames, tau: 0 }), `AOM atlas of ${maps.layer}`)}` +
    `${pngImg(encodeOdmPng(maps.odm, maps.kernels, { layer: maps.layer }), `ODM of ${maps.layer}`)}</div>`
  );
}

function curvesSvg(version: Version): string {
  const c = version.curves!;
  const series = [
    { name: 'training loss', marker: 'circle' as const, colour: '#1f77b4', points: c.step.map((x, i) => ({ x, y: c.loss[i] })) },
    { name: 'validation loss', marker: 'square' as const, colour: '#d62728', points: c.epochStep.flatMap((x, i) => (c.validationLoss[i] === null ? [] : [{ x, y: c.validationLoss[i]! }])) },
  ];
  return plotSvg(scatterPlot({ title: `v${version.id}: retraining`, xLabel: 'step', yLabel: 'loss', series, width: 560, height: 320 }), `training curves of v${version.id}`);
}

function tradeoffSvg(rows: HistoryRow[]): string {
  const points = rows.filter((r) => r.testAccuracy !== null).map((r) => ({ x: r.params, y: 100 * r.testAccuracy! }));
  return plotSvg(scatterPlot({ title: 'test accuracy against parameters', xLabel: 'parameters', yLabel: 'test accuracy %', series: [{ name: 'versions', marker: 'diamond', colour: '#2ca02c', points }], width: 560, height: 320 }), 'accuracy against parameters');
}

/** The report of `project` as one HTML document. */
export function tuningReportHtml(project: ProjectContents): string {
  const history = ModelHistory.fromStored(project.state.history);
  const path: Version[] = [];
  for (let v: Version | null = history.currentVersion; v; v = v.parent === null ? null : history.get(v.parent)) path.unshift(v);
  const first = path[0];
  const last = path[path.length - 1];
  const onPath = new Set(path.map((v) => v.id));
  const rows = historyRows(history).filter((r) => onPath.has(r.version));
  const stepRows = rows.map((r) =>
    `<tr><td>v${r.version}</td><td>${escapeHtml(r.edit ?? r.note)}</td><td>${escapeHtml(r.suggestion ?? '')}</td><td>${int(r.convKernels)}</td><td>${int(r.params)}</td><td>${int(r.flops)}</td><td>${pct(r.validationAccuracy)}</td><td>${pct(r.testAccuracy)}</td></tr>`,
  );
  // The maps an edit was decided on: its layer's in the parent, or in the nearest ancestor that has them (a layer's
  // suggestions become one version per edit, all decided on the maps of the version before the first).
  const mapsBefore = (v: Version): LayerMaps | undefined => {
    for (let id = v.parent; id !== null; id = history.get(id).parent) {
      const maps = project.state.maps[`${id}:${editLayer(v.edit!)}`];
      if (maps) return maps;
    }
    return undefined;
  };
  const edits = path.filter((v) => v.edit).map((v) => mapsSection(v, mapsBefore(v)));
  const curves = path.filter((v) => v.curves && v.curves.step.length > 0).map(curvesSvg);
  const dataset = project.dataset === null ? 'not recorded' : project.dataset.kind === 'builtin-mnist' ? 'built-in MNIST' : project.dataset.names.join(', ');
  const title = `Tuning report: ${first.model.spec.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td:nth-child(2), th:nth-child(2) { text-align: left; } .pair { display: flex; gap: 2em; flex-wrap: wrap; }
.maps img { image-rendering: pixelated; max-width: 100%; margin-right: 1em; vertical-align: top; } svg { margin: 0.5em 1em 0.5em 0; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Saved ${escapeHtml(project.savedAt)}; dataset: ${escapeHtml(dataset)}; ${history.size} version(s) in the project, ${path.length} on the path from v${first.id} to v${last.id}.</p>
<h2>Architecture</h2>
<div class="pair"><div><h3>Before (v${first.id})</h3>${architectureTable(first)}</div><div><h3>After (v${last.id})</h3>${architectureTable(last)}</div></div>
<h2>Steps</h2>
<table><tr><th>version</th><th>what</th><th>suggestion</th><th>conv kernels</th><th>params</th><th>FLOPs</th><th>validation</th><th>test</th></tr>${stepRows.join('')}</table>
<h2>The maps behind each edit</h2>
${edits.join('\n') || '<p>No edits on this path.</p>'}
<h2>Curves</h2>
${tradeoffSvg(rows)}
${curves.join('\n') || '<p>No retraining curves were recorded.</p>'}
</body></html>
`;
}
