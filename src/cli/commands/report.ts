/**
 * `aom-studio report --project <file.aomproj> --out <report.html>`
 *
 * Writes the one-page offline HTML report of a tuning session (src/render/tuning-report.ts) and, beside it, the
 * history as CSV and JSON (`<name>.history.csv`, `<name>.history.json`) and every analysed layer's maps as PNG
 * (`<name>-maps/v<version>-<layer>-aom.png` and `-odm.png`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeAtlasPng } from '../../analysis/atlas.ts';
import { encodeOdmPng } from '../../analysis/odm-png.ts';
import { tuningReportHtml } from '../../render/tuning-report.ts';
import { historyCsv, historyJson } from '../../session/history-export.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { openProjectFile } from '../project-option.ts';
import { UsageError } from '../usage-error.ts';

const REPORT = {
  name: 'report',
  summary: 'an offline HTML report of a tuning session, with its history as CSV and JSON and its maps as PNG',
  options: {
    project: { type: 'string', value: 'FILE', required: true, description: "the .aomproj project (tune writes <out>/tune.aomproj; the page's Save project)" },
    out: { type: 'string', value: 'PATH', required: true, description: 'the .html file to write; the CSV, JSON and PNG files go beside it' },
  },
  examples: ['aom-studio report --project runs/tuned/tune.aomproj --out runs/tuned/report.html'],
} as const satisfies CommandSpec;

export const reportCommand = defineCommand(REPORT, runReport);

async function runReport({ values }: CommandLine<typeof REPORT.options>, io: CommandIo): Promise<number> {
  if (!/\.html?$/i.test(values.out)) throw new UsageError(`--out must be an .html file, got '${values.out}'`);
  const project = await openProjectFile(values.project);
  // Everything is made in memory first: a project that cannot be reported writes nothing.
  const stem = values.out.replace(/\.html?$/i, '');
  const files = new Map<string, Uint8Array | string>([
    [values.out, tuningReportHtml(project.contents)],
    [`${stem}.history.csv`, historyCsv(project.history)],
    [`${stem}.history.json`, historyJson(project.history)],
  ]);
  for (const maps of Object.values(project.contents.state.maps)) {
    const base = join(`${stem}-maps`, `v${maps.versionId}-${maps.layer}`);
    const shape = { kernels: maps.kernels, classes: maps.classes, height: maps.height, width: maps.width };
    files.set(`${base}-aom.png`, encodeAtlasPng(maps.aom, shape, { layer: maps.layer, classNames: maps.classNames, tau: 0 }));
    files.set(`${base}-odm.png`, encodeOdmPng(maps.odm, maps.kernels, { layer: maps.layer }));
  }
  for (const [path, content] of files) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  io.stdout(`report   ${values.out}\nalso     ${[...files.keys()].slice(1).join(', ')}\n`);
  return 0;
}
