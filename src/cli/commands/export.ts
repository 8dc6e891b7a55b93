/**
 * `aom-studio export --model <model.json|model.onnx> | --project <file.aomproj> [--version V]
 *   --format onnx|tfjs --out <path> [--json]`
 *
 * Writes a model in another format: ONNX (one .onnx file, opset 13, NCHW input with a symbolic batch, as
 * PyTorch's exporter lays a CNN out; src/io/onnx/onnx-export.ts) or TF.js Layers (a folder with model.json and
 * its weight shards). The model is read and converted in memory first, so a bad input writes nothing.
 */
import { stat } from 'node:fs/promises';
import { isOnnxPath, saveModelDir, saveModelOnnx } from '../../io/model-files-node.ts';
import type { Model } from '../../nn/layers.ts';
import { summarizeModel } from '../../nn/shapes.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { openProjectFile, PROJECT_OPTION, projectModel, requireOneSource, VERSION_OPTION } from '../project-option.ts';
import { resolveModel } from '../session.ts';
import { UsageError } from '../usage-error.ts';

const EXPORT = {
  name: 'export',
  summary: 'write a model (or a version of a project) as ONNX or TF.js Layers files',
  options: {
    model: { type: 'string', value: 'PATH', description: 'the model.json or .onnx file to export' },
    project: { ...PROJECT_OPTION, description: 'a .aomproj project: export its current version (or --version)' },
    version: VERSION_OPTION,
    format: { type: 'string', choices: ['onnx', 'tfjs'], value: 'FORMAT', defaultText: 'onnx when --out ends in .onnx, else tfjs', description: 'the format to write' },
    out: { type: 'string', value: 'PATH', required: true, description: 'the .onnx file to write (onnx), or the folder for model.json and its shards (tfjs)' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  notes: [
    'ONNX: the input is NCHW float32 [batch, C, H, W], preprocessed (pixel * scale - mean) / std as recorded in the model; the metadata property aomStudio keeps that preprocessing, the class names and the split.',
  ],
  examples: [
    'aom-studio export --model runs/tuned/v4/model.json --format onnx --out runs/tuned/v4.onnx',
    'aom-studio export --model model.onnx --format tfjs --out runs/from-onnx',
    'aom-studio export --project runs/tuned/tune.aomproj --version 4 --out v4.onnx',
  ],
} as const satisfies CommandSpec;

type ExportOptions = typeof EXPORT.options;

export const exportCommand = defineCommand(EXPORT, runExport);

/** The model named on the command line (a file; or a project version, see --project). */
async function sourceModel(values: CommandLine<ExportOptions>['values']): Promise<{ model: Model; from: string }> {
  requireOneSource(values.model, values.project, values.version);
  if (values.project) {
    const project = await openProjectFile(values.project, values.version);
    return { model: projectModel(project), from: `${values.project} version ${project.versionId}` };
  }
  return { model: (await resolveModel(values.model!, 1)).model, from: values.model! };
}

async function runExport({ values }: CommandLine<ExportOptions>, io: CommandIo): Promise<number> {
  const format = values.format ?? (isOnnxPath(values.out) ? 'onnx' : 'tfjs');
  if (format === 'onnx' && !isOnnxPath(values.out)) throw new UsageError(`--out must be a .onnx file for --format onnx, got '${values.out}'`);
  if (format === 'tfjs' && isOnnxPath(values.out)) throw new UsageError(`--out must be a folder for --format tfjs, got the .onnx path '${values.out}'`);
  const { model, from } = await sourceModel(values);
  const written = format === 'onnx' ? [await saveModelOnnx(model, values.out)] : await saveModelDir(model, values.out);
  const bytes = (await Promise.all(written.map(async (path) => (await stat(path)).size))).reduce((a, b) => a + b, 0);
  const summary = summarizeModel(model.spec);
  if (values.json) {
    io.stdout(`${JSON.stringify({ from, format, name: model.spec.name, params: summary.totalParams, files: written, bytes }, null, 2)}\n`);
  } else {
    io.stdout(
      `model    ${from} ('${model.spec.name}', ${summary.totalParams.toLocaleString('en-US')} parameters)\n` +
        `format   ${format === 'onnx' ? 'ONNX, opset 13, input NCHW [batch, ' + [model.spec.inputShape[2], model.spec.inputShape[0], model.spec.inputShape[1]].join(', ') + ']' : 'TF.js Layers'}\n` +
        `wrote    ${written.join(', ')} (${bytes.toLocaleString('en-US')} bytes)\n`,
    );
  }
  return 0;
}
