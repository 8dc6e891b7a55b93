import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxLossExceeded, parseSuggestionKinds, planLayerEdits, tuneCommand, tuneCsv, walkedLayers } from '../../src/cli/commands/tune.ts';
import { trainCommand } from '../../src/cli/commands/train.ts';
import type { Suggestion } from '../../src/analysis/suggestions.ts';
import { loadModelDir, saveModelDir } from '../../src/io/model-files-node.ts';
import { decodeProject } from '../../src/session/project-file.ts';
import type { Conv2dLayer } from '../../src/nn/layers.ts';
import { useScratchDir } from '../helpers/dataset-files.ts';
import { squaresIdxSpec, tinyModelWithDeadKernel } from '../helpers/tiny-cli-model.ts';

const scratch = useScratchDir('aom-tune-');

const squaresSpec = () => squaresIdxSpec(scratch());
const tinyModel = tinyModelWithDeadKernel;

describe('aom-studio tune', () => {
  it('--auto: analyses conv1 then conv2, drops the dead kernel, retrains (the schedule and step cap given), and writes tune.json, tune.csv and every version', async () => {
    const spec = await squaresSpec();
    await saveModelDir(tinyModel(), join(scratch(), 'tiny'));
    const out = join(scratch(), 'tuned');
    let text = '';
    const code = await tuneCommand(
      ['--model', join(scratch(), 'tiny', 'model.json'), '--dataset', spec, '--auto', '--retrain-epochs', '1', '--schedule', 'cosine', '--max-steps', '3', '--batch', '16', '--per-class', '8', '--out', out],
      { stdout: (s) => (text += s), stderr: (s) => (text += s) },
    );
    expect(code, text).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'tune.json'), 'utf8'));
    // The retraining configuration travels in tune.json, which `baselines --from-tune` retrains with.
    expect(report.config).toMatchObject({ epochs: 1, schedule: 'cosine', maxSteps: 3, batchSize: 16 });
    expect(text).toContain('(at most 3 steps) after each layer, lr 0.001 cosine');
    expect(report.rows.map((r: { layer: string | null }) => r.layer)).toEqual([null, 'conv1', 'conv2']);
    const [start, conv1] = report.rows;
    expect(start.version).toBe(0);
    expect(conv1.edit).toMatch(/^drop \d+ kernels? of conv1 \(.*\b5\b.*\)/);
    expect(conv1.parameters).toBeLessThan(start.parameters);
    expect(conv1.flops).toBeLessThan(start.flops);
    for (const row of report.rows) {
      expect(row.validationAccuracy).toBeGreaterThanOrEqual(0);
      expect(row.testAccuracy).toBeGreaterThanOrEqual(0);
      const saved = await loadModelDir(join(out, `v${row.version}`));
      expect(saved.spec.layers.length).toBeGreaterThanOrEqual(5);
    }
    const dead = report.steps[0].suggestions.find((s: Suggestion) => s.kind === 'drop' && s.rule === 'dead');
    expect(dead.kernels).toContain(5);
    const v1 = await loadModelDir(join(out, `v${conv1.version}`));
    expect((v1.spec.layers[0] as Conv2dLayer).filters).toBeLessThan(6);
    const csv = (await readFile(join(out, 'tune.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('version,layer,edit,parameters,flops,validation_accuracy,test_accuracy,pass,rejected');
    expect(csv).toHaveLength(4);
    expect(text).toContain('v0  start');
    // The whole session as a project: every version, the retrained ones with their curves, each layer's maps.
    const project = decodeProject(await readFile(join(out, 'tune.aomproj')), 'tune.aomproj');
    const versions = project.state.history.json.versions;
    expect(versions.length).toBeGreaterThanOrEqual(report.final + 1);
    expect(versions[report.final].curves?.step.length).toBeGreaterThan(0);
    expect(Object.keys(project.state.maps)).toEqual(expect.arrayContaining(['0:conv1', `${conv1.version}:conv2`]));
  });

  it('without --auto: evaluates and saves the starting model and lists the suggestions per layer, editing nothing', async () => {
    const spec = await squaresSpec();
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-plain'));
    const out = join(scratch(), 'suggested');
    let text = '';
    const code = await tuneCommand(
      ['--model', join(scratch(), 'tiny-plain', 'model.json'), '--dataset', spec, '--batch', '16', '--per-class', '8', '--out', out],
      { stdout: (s) => (text += s), stderr: (s) => (text += s) },
    );
    expect(code, text).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'tune.json'), 'utf8'));
    expect(report.auto).toBe(false);
    expect(report.rows).toHaveLength(1);
    expect(report.steps.map((s: { layer: string }) => s.layer)).toEqual(['conv1', 'conv2']);
    expect(report.steps[0].edits[0]).toMatchObject({ kind: 'drop', layer: 'conv1' });
    expect(report.steps[0].edits[0].kernels).toContain(5);
    expect(text).toMatch(/conv1: drop \d+ kernels? of conv1 .*\(dead: /);
    expect((await loadModelDir(join(out, 'v0'))).spec.layers).toHaveLength(5);
  });

  it('--passes, --max-loss and the thresholds: a pass that costs too much validation accuracy is undone, the rejected version kept aside, and the walk stops when a pass keeps nothing', async () => {
    const spec = await squaresSpec();
    // A start worth protecting: the tiny model trained until it separates the squares.
    const trained = join(scratch(), 'tiny-trained');
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-untrained'));
    const quiet = { stdout: () => {}, stderr: () => {} };
    expect(await trainCommand(['--model', join(scratch(), 'tiny-untrained', 'model.json'), '--dataset', spec, '--epochs', '12', '--batch', '16', '--out', trained], quiet)).toBe(0);
    const out = join(scratch(), 'guarded');
    let text = '';
    // --min-impact 1 drops every kernel but one of each layer; a retraining at lr 5 cannot keep the accuracy, so
    // every edit must be undone under --max-loss 0.05, and the second pass (nothing kept) ends the walk.
    const code = await tuneCommand(
      ['--model', join(trained, 'model.json'), '--dataset', spec, '--auto', '--passes', '3', '--max-loss', '0.05', '--min-impact', '1', '--lr', '5', '--max-steps', '2', '--batch', '16', '--per-class', '8', '--out', out],
      { stdout: (s) => (text += s), stderr: (s) => (text += s) },
    );
    expect(code, text).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'tune.json'), 'utf8'));
    expect(report).toMatchObject({ passes: 3, maxLoss: 0.05, thresholds: { minImpact: 1 } });
    const [start, ...rest] = report.rows;
    expect(start.validationAccuracy).toBeGreaterThan(0.9);
    // One pass only: it kept nothing, so there was nothing new for a second to judge.
    expect(rest.map((r: { pass: number; layer: string }) => `${r.pass}:${r.layer}`)).toEqual(['1:conv1', '1:conv2']);
    expect(text).toContain('pass 1 kept no edit');
    for (const row of rest) {
      expect(row.edit).toBe('');
      expect(row.rejected).toMatch(/^drop \d+ kernels? of conv/);
      expect(row.version).toBe(0);
      expect(row.notes.join(' ')).toMatch(/rejected v\d+: validation .* more than --max-loss 5 points; kept v0/);
    }
    expect(report.steps.every((s: { edits: unknown[]; rejected: unknown[] }) => s.edits.length === 0 && s.rejected.length === 1)).toBe(true);
    expect(report.final).toBe(0);
    // The rejected versions stay in the project, beside the start they branched from.
    const project = decodeProject(await readFile(join(out, 'tune.aomproj')), 'tune.aomproj');
    expect(project.state.history.json.versions.length).toBeGreaterThan(2);
  });

  it('--apply drop --augment: applies the drop suggestions only (the others in the notes) and retrains with augmentation, recorded for baselines', async () => {
    const spec = await squaresSpec();
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-apply'));
    const out = join(scratch(), 'drops-only');
    let text = '';
    // The untrained tiny model's accuracy is low and its last conv unselective: the deepen rule fires there.
    const code = await tuneCommand(
      ['--model', join(scratch(), 'tiny-apply', 'model.json'), '--dataset', spec, '--auto', '--apply', 'drop', '--augment', '--max-steps', '2', '--batch', '16', '--per-class', '8', '--out', out],
      { stdout: (s) => (text += s), stderr: (s) => (text += s) },
    );
    expect(code, text).toBe(0);
    expect(text).toContain('augmented, applying drop only');
    const report = JSON.parse(await readFile(join(out, 'tune.json'), 'utf8'));
    expect(report.apply).toEqual(['drop']);
    expect(report.config.augment).toBe(true);
    const suggested = report.steps.flatMap((s: { suggestions: Suggestion[] }) => s.suggestions.map((x) => x.kind));
    expect(suggested).toContain('deepen');
    const edits = report.steps.flatMap((s: { edits: { kind: string }[] }) => s.edits.map((e) => e.kind));
    expect(edits.length).toBeGreaterThan(0);
    expect(new Set(edits)).toEqual(new Set(['drop']));
    const notes = report.rows.flatMap((r: { notes: string[] }) => r.notes).join('\n');
    expect(notes).toMatch(/not applied \(--apply drop\): insert .* \(deepen\)/);
    const final = await loadModelDir(join(out, `v${report.final}`));
    expect(final.spec.layers.length).toBe(tinyModel().spec.layers.length);
  });

  it('--layer conv2: walks that conv layer alone, and names a layer the model does not have', async () => {
    const spec = await squaresSpec();
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-layer'));
    const out = join(scratch(), 'conv2-only');
    let text = '';
    const code = await tuneCommand(
      ['--model', join(scratch(), 'tiny-layer', 'model.json'), '--dataset', spec, '--auto', '--layer', 'conv2', '--max-steps', '2', '--batch', '16', '--per-class', '8', '--out', out],
      { stdout: (s) => (text += s), stderr: (s) => (text += s) },
    );
    expect(code, text).toBe(0);
    expect(text).toContain('walking conv2 only');
    const report = JSON.parse(await readFile(join(out, 'tune.json'), 'utf8'));
    expect(report.layers).toEqual(['conv2']);
    expect(report.steps.map((s: { layer: string }) => s.layer)).toEqual(['conv2']);
    expect(walkedLayers(['conv1', 'conv2', 'conv3'], ['conv3', 'conv1'], 'm')).toEqual(['conv1', 'conv3']);
    expect(walkedLayers(['conv1', 'conv2'], [], 'm')).toEqual(['conv1', 'conv2']);
    expect(() => walkedLayers(['conv1', 'conv2'], ['dense'], 'tiny')).toThrow("--layer 'dense': tiny has no conv layer of that name; its conv layers are conv1, conv2");
  });

  it('--apply names the kind it does not know', async () => {
    expect(() => parseSuggestionKinds('drop,prune')).toThrow("--apply 'drop,prune': 'prune' is not one of drop, widen, deepen");
    expect(parseSuggestionKinds('deepen, drop')).toEqual(['drop', 'deepen']);
  });

  it('maxLossExceeded: keeps a loss up to --max-loss, rejects beyond it, and judges nothing without a validation split', () => {
    expect(maxLossExceeded(0.99, 0.989, 0.001)).toBeNull();
    expect(maxLossExceeded(0.99, 0.995, 0)).toBeNull();
    expect(maxLossExceeded(0.99, 0.988, 0.001)).toMatch(/validation 98\.80% is 0\.20 points below the start's 99\.00%, more than --max-loss 0\.1 points/);
    expect(maxLossExceeded(null, 0.5, 0.001)).toBeNull();
    expect(maxLossExceeded(0.9, 0.1, undefined)).toBeNull();
  });

  it('--passes without --auto is a usage error', async () => {
    let text = '';
    const code = await tuneCommand(['--model', 'm.json', '--dataset', 'mnist', '--passes', '2', '--out', join(scratch(), 'x')], { stdout: (s) => (text += s), stderr: (s) => (text += s) });
    expect(code).not.toBe(0);
    expect(text).toContain('--passes, --max-loss, --apply and --layer steer the edits of --auto');
  });

  it('merges a layer\'s drop suggestions into one drop and writes CSV with quoted edits', () => {
    const numbers = {};
    const suggestions: Suggestion[] = [
      { kind: 'drop', layer: 'c', kernels: [4, 1], rule: 'dead', reason: '', numbers, edit: { kind: 'drop', layer: 'c', kernels: [4, 1] } },
      { kind: 'drop', layer: 'c', kernels: [2], rule: 'redundant', reason: '', numbers, edit: { kind: 'drop', layer: 'c', kernels: [2] } },
      { kind: 'widen', layer: 'c', by: 3, rule: 'widen', reason: '', numbers, edit: { kind: 'widen', layer: 'c', by: 3, mode: 'net2net' } },
      { kind: 'deepen', after: 'r', rule: 'deepen', reason: '', numbers, edit: { kind: 'insert', after: 'r' } },
    ];
    const planned = planLayerEdits(suggestions);
    expect(planned.map((p) => p.edit)).toEqual([
      { kind: 'drop', layer: 'c', kernels: [1, 2, 4] },
      { kind: 'widen', layer: 'c', by: 3, mode: 'net2net' },
      { kind: 'insert', after: 'r' },
    ]);
    expect(planned[0].suggestions).toHaveLength(2);
    expect(planLayerEdits(suggestions, ['drop']).map((p) => p.edit.kind)).toEqual(['drop']);
    expect(planLayerEdits(suggestions, ['widen', 'deepen']).map((p) => p.edit.kind)).toEqual(['widen', 'insert']);
    const csv = tuneCsv([
      { version: 2, pass: 1, layer: 'c', edit: 'drop 2 kernels of c (1, 4)', rejected: '', parameters: 10, flops: 20, validationAccuracy: 0.5, testAccuracy: null, notes: [] },
      { version: 2, pass: 2, layer: 'c', edit: '', rejected: 'drop 1 kernel of c (0)', parameters: 10, flops: 20, validationAccuracy: 0.5, testAccuracy: 0.25, notes: [] },
    ]);
    expect(csv.split('\n')[1]).toBe('2,c,"drop 2 kernels of c (1, 4)",10,20,0.5,,1,');
    expect(csv.split('\n')[2]).toBe('2,c,,10,20,0.5,0.25,2,drop 1 kernel of c (0)');
  });
});
