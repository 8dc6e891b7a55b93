// aom-studio baselines on a tiny CNN and the synthetic squares dataset: against a real `tune --auto` run (rows,
// files, the kernels each criterion picks on a model with a dead kernel, seeded random choices), with --kernels and
// --sweep, and the errors for bad input (exit 1 for what does not fit the model or is not a tune.json, exit 2 for
// a malformed command line).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { pickAtRandom } from '../../src/analysis/prune-random.ts';
import type { BaselineRow } from '../../src/cli/baselines-table.ts';
import { baselinesCommand, parseKernelCounts } from '../../src/cli/commands/baselines.ts';
import { tuneCommand } from '../../src/cli/commands/tune.ts';
import { main } from '../../src/cli/main.ts';
import { saveModelDir } from '../../src/io/model-files-node.ts';
import { useScratchDir } from '../helpers/dataset-files.ts';
import { squaresIdxSpec, tinyModelWithDeadKernel } from '../helpers/tiny-cli-model.ts';

const scratch = useScratchDir('aom-baselines-');

const squaresSpec = () => squaresIdxSpec(scratch());
const tinyModel = tinyModelWithDeadKernel;

async function capture(run: (io: { stdout: (s: string) => void; stderr: (s: string) => void }) => Promise<number>) {
  let out = '';
  let err = '';
  const code = await run({ stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, text: out + err };
}

const FILTERS: Record<string, number> = { conv1: 6, conv2: 4 };

describe('aom-studio baselines', () => {
  it('--from-tune: drops as many kernels per layer as tune --auto did by L1 norm, APoZ and 3 random seeds, retrains each as tune did, and writes the table and the plot', async () => {
    const spec = await squaresSpec();
    const modelJson = join(scratch(), 'tiny', 'model.json');
    await saveModelDir(tinyModel(), join(scratch(), 'tiny'));
    const tuneDir = join(scratch(), 'tuned');
    const tuned = await capture((io) => tuneCommand(['--model', modelJson, '--dataset', spec, '--auto', '--batch', '16', '--per-class', '8', '--out', tuneDir], io));
    expect(tuned.code, tuned.text).toBe(0);
    const tune = JSON.parse(await readFile(join(tuneDir, 'tune.json'), 'utf8'));

    const out = join(scratch(), 'baselines');
    const run = await capture((io) => baselinesCommand(['--model', modelJson, '--dataset', spec, '--from-tune', tuneDir, '--per-class', '8', '--out', out], io));
    expect(run.code, run.text).toBe(0);
    expect(run.err).toBe(''); // same budget, split and analysis set as the tune: nothing to warn about
    const report = JSON.parse(await readFile(join(out, 'baselines.json'), 'utf8'));
    // Rewritten after every row; the last write says the run finished.
    expect(report.complete).toBe(true);
    const rows: BaselineRow[] = report.rows;
    expect(rows.map((r) => [r.method, r.seed, r.run])).toEqual([
      ['unedited', null, 'start'], ['aom-guided', null, 'matched'], ['l1-norm', null, 'matched'], ['apoz', null, 'matched'],
      ['random', 1, 'matched'], ['random', 2, 'matched'], ['random', 3, 'matched'],
    ]);
    expect(report.config).toEqual(tune.config);
    expect(report.analysisImages).toBe(tune.analysisImages);

    // The tune's own numbers: its starting model and its last version.
    const [unedited, aom, ...baselines] = rows;
    expect([unedited.parameters, unedited.validationAccuracy, unedited.testAccuracy]).toEqual([tune.rows[0].parameters, tune.rows[0].validationAccuracy, tune.rows[0].testAccuracy]);
    const last = tune.rows[tune.rows.length - 1];
    expect([aom.parameters, aom.flops, aom.validationAccuracy, aom.testAccuracy]).toEqual([last.parameters, last.flops, last.validationAccuracy, last.testAccuracy]);
    expect(aom.dropTestAccuracy).toBeGreaterThanOrEqual(0);
    // The tune's drops per layer (on this tiny model it also deepens after conv2, as its analysis-set accuracy is
    // below the deepen rule's 0.9; the baselines only drop, and the AOM-guided row says so).
    type TuneEdit = { kind: string; layer?: string; kernels?: number[] };
    const edits: TuneEdit[] = tune.steps.flatMap((s: { edits: TuneEdit[] }) => s.edits);
    const tuneDropped: Record<string, number> = { conv1: 0, conv2: 0 };
    for (const e of edits) if (e.kind === 'drop') tuneDropped[e.layer!] += e.kernels!.length;
    expect(aom.dropped).toEqual(tuneDropped);
    expect(tuneDropped.conv1).toBeGreaterThanOrEqual(1);
    const others = edits.filter((e) => e.kind !== 'drop');
    expect(aom.notes.filter((n) => n.startsWith('the tune also applied'))).toHaveLength(others.length);
    const dropsOnly = baselines[0].parameters;
    for (const row of baselines) {
      // Same kernels per layer as the tune, so the same architecture, parameters and FLOPs.
      expect(row.dropped, row.method).toEqual(tuneDropped);
      expect(row.kernels).toEqual({ conv1: 6 - tuneDropped.conv1, conv2: 4 - tuneDropped.conv2 });
      expect(row.parameters).toBe(dropsOnly);
      if (others.length === 0) expect([row.parameters, row.flops]).toEqual([aom.parameters, aom.flops]);
      expect(row.steps.map((s) => s.layer)).toEqual(Object.keys(tuneDropped).filter((l) => tuneDropped[l] > 0));
      for (const s of row.steps) {
        expect(s.kernels).toHaveLength(tuneDropped[s.layer]);
        expect(s.afterDrop!.test).toBeGreaterThanOrEqual(0);
        expect(s.afterRetrain.validation).toBeGreaterThanOrEqual(0);
        expect(s.training!.ended).toBe('completed');
      }
      expect(row.testAccuracy).toBe(row.steps[row.steps.length - 1].afterRetrain.test);
      expect(row.dropTestAccuracy).toBe(row.steps[row.steps.length - 1].afterDrop!.test);
    }
    // The dead kernel 5 of conv1 has L1 norm 0 (the smallest) and APoZ 1 (the highest): both criteria drop it.
    const [l1, apoz, ...random] = baselines;
    expect(l1.steps[0].scores![5]).toBe(0);
    expect(l1.steps[0].kernels).toContain(5);
    expect(apoz.steps[0].scores![5]).toBe(1);
    expect(apoz.steps[0].kernels).toContain(5);
    // Random: exactly the seeded choice of prune-random.ts, per layer.
    for (const row of random) {
      for (const s of row.steps) expect(s.kernels).toEqual(pickAtRandom(s.layer, FILTERS[s.layer], tuneDropped[s.layer], row.seed!));
      expect(row.steps[0].scores).toBeNull();
    }

    const csv = (await readFile(join(out, 'baselines.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('method,seed,run,fraction,conv1_dropped,conv2_dropped,conv_kernels,parameters,flops,drop_validation_accuracy,drop_test_accuracy,validation_accuracy,test_accuracy');
    expect(csv).toHaveLength(8);
    expect(csv[3]).toBe(['l1-norm', '', 'matched', '', tuneDropped.conv1, tuneDropped.conv2, l1.convKernels, l1.parameters, l1.flops, l1.dropValidationAccuracy, l1.dropTestAccuracy, l1.validationAccuracy, l1.testAccuracy].join(','));
    const png = decodePng(await readFile(join(out, 'baselines.png')));
    expect([png.width, png.height]).toEqual([760, 480]);
    const svg = await readFile(join(out, 'baselines.svg'), 'utf8');
    for (const label of ['unedited', 'AOM-guided (tune)', 'L1 norm (Li 2017)', 'APoZ (Hu 2016)', 'random', 'parameters', 'test accuracy (%)']) expect(svg).toContain(`>${label}</text>`);
    expect(run.out).toContain('l1-norm, matched');
    expect(run.out).toContain('random (seed 3), matched');
  });

  it('--kernels and --sweep: the given counts and fractions of every layer, each point retrained (--max-steps), no AOM-guided row', async () => {
    const spec = await squaresSpec();
    const modelJson = join(scratch(), 'tiny-k', 'model.json');
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-k'));
    const out = join(scratch(), 'swept');
    const run = await capture((io) =>
      baselinesCommand(['--model', modelJson, '--dataset', spec, '--kernels', 'conv2:1,conv1:2', '--sweep', '0.5', '--seeds', '4', '--max-steps', '2', '--batch', '16', '--per-class', '8', '--json', '--out', out], io),
    );
    expect(run.code, run.text).toBe(0);
    const report = JSON.parse(run.out);
    expect(report).toEqual(JSON.parse(await readFile(join(out, 'baselines.json'), 'utf8')));
    const rows: BaselineRow[] = report.rows;
    expect(rows.map((r) => [r.method, r.seed, r.run, r.fraction])).toEqual([
      ['unedited', null, 'start', null],
      ['l1-norm', null, 'matched', null], ['apoz', null, 'matched', null], ['random', 4, 'matched', null],
      ['l1-norm', null, 'sweep', 0.5], ['apoz', null, 'sweep', 0.5], ['random', 4, 'sweep', 0.5],
    ]);
    for (const r of rows.slice(1, 4)) expect(r.dropped).toEqual({ conv1: 2, conv2: 1 });
    for (const r of rows.slice(4)) expect(r.dropped).toEqual({ conv1: 3, conv2: 2 }); // round(0.5 * 6), round(0.5 * 4)
    expect(rows[4].parameters).toBeLessThan(rows[1].parameters);
    expect(rows[1].parameters).toBeLessThan(rows[0].parameters);
    for (const r of rows.slice(1)) {
      expect(r.steps.map((s) => s.layer)).toEqual(['conv1', 'conv2']); // model order, not the order given
      for (const s of r.steps) expect(s.training!.steps).toBe(2);
    }
    expect(report.config).toMatchObject({ epochs: 1, maxSteps: 2, batchSize: 16, seed: 1 });
    expect((await readFile(join(out, 'baselines.csv'), 'utf8')).trim().split('\n')).toHaveLength(8);
  });

  it("--seeds none: L1 norm and APoZ alone, no random baseline (the page's empty seeds field)", async () => {
    const spec = await squaresSpec();
    const modelJson = join(scratch(), 'tiny-n', 'model.json');
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-n'));
    const run = await capture((io) =>
      baselinesCommand(['--model', modelJson, '--dataset', spec, '--kernels', 'conv1:1', '--seeds', 'none', '--max-steps', '1', '--batch', '16', '--per-class', '8', '--json', '--out', join(scratch(), 'no-random')], io),
    );
    expect(run.code, run.text).toBe(0);
    const report = JSON.parse(run.out);
    expect(report.rows.map((r: BaselineRow) => r.method)).toEqual(['unedited', 'l1-norm', 'apoz']);
    expect(report.seeds).toEqual([]);
  });

  it('parses --kernels as LAYER:N pairs', () => {
    expect([...parseKernelCounts('conv1:3,conv2:21')]).toEqual([['conv1', 3], ['conv2', 21]]);
    expect(() => parseKernelCounts('conv1')).toThrow(/--kernels 'conv1': 'conv1' is not LAYER:N/);
    expect(() => parseKernelCounts('conv1:1,conv1:2')).toThrow(/layer 'conv1' is given twice/);
  });

  it('bad input: a clear message naming the layer or the file; exit 1, or exit 2 for a malformed command line', async () => {
    const spec = await squaresSpec();
    const modelJson = join(scratch(), 'tiny-bad', 'model.json');
    await saveModelDir(tinyModel(), join(scratch(), 'tiny-bad'));
    const out = join(scratch(), 'never');
    const baselines = (...args: string[]) => capture((io) => main(['baselines', '--model', modelJson, '--dataset', spec, '--out', out, ...args], io));

    const missing = await baselines('--kernels', 'conv9:1');
    expect([missing.code, missing.err]).toEqual([1, "aom-studio baselines: model 'tiny' has no layer 'conv9' (conv layers: conv1, conv2)\n"]);
    const notConv = await baselines('--kernels', 'dense:1');
    expect(notConv.code).toBe(1);
    expect(notConv.err).toContain("layer 'dense' of model 'tiny' is a dense, not a conv2d");
    const tooMany = await baselines('--kernels', 'conv1:2,conv2:4');
    expect([tooMany.code, tooMany.err]).toEqual([1, "aom-studio baselines: layer 'conv2' has 4 kernels: cannot drop 4 (at most 3, one must stay)\n"]);

    const notJson = join(scratch(), 'not-json.json');
    await writeFile(notJson, 'version,layer\n0,\n');
    const a = await baselines('--from-tune', notJson);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(new RegExp(`^aom-studio baselines: ${notJson.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a tune.json written by 'aom-studio tune --auto': it is not JSON`));
    const other = join(scratch(), 'other.json');
    await writeFile(other, JSON.stringify({ rows: [], steps: [] }));
    const b = await baselines('--from-tune', other);
    expect([b.code, b.err]).toEqual([1, `aom-studio baselines: ${other} is not a tune.json written by 'aom-studio tune --auto': it has no 'config'\n`]);
    const fake = { model: 'x', dataset: 'squares', auto: false, analysisImages: 8, config: {}, rows: [{ version: 0, layer: null, edit: '', parameters: 1, flops: 1, validationAccuracy: 0.5, testAccuracy: 0.5 }], steps: [] };
    const manual = join(scratch(), 'manual.json');
    await writeFile(manual, JSON.stringify(fake));
    const c = await baselines('--from-tune', manual);
    expect([c.code, c.err]).toEqual([1, `aom-studio baselines: ${manual} is not a tune.json written by 'aom-studio tune --auto': it was made without --auto ('auto' is not true), so it applied no edits\n`]);
    const foreign = join(scratch(), 'foreign.json');
    await writeFile(foreign, JSON.stringify({ ...fake, auto: true }));
    const d = await baselines('--from-tune', foreign);
    expect(d.code).toBe(1);
    expect(d.err).toContain(`${foreign} starts from a model of 1 parameters (x), but --model ${modelJson} has`);

    const usage = async (args: string[], message: string) => {
      const r = await baselines(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.split('\n')[0]).toBe(`aom-studio baselines: ${message}`);
      expect(r.err).toContain("run 'aom-studio baselines --help' for the options");
    };
    await usage(['--kernels', 'conv1'], "--kernels 'conv1': 'conv1' is not LAYER:N (expected e.g. conv1:3,conv2:21)");
    await usage(['--kernels', 'conv1:-1'], "--kernels 'conv1:-1': 'conv1:-1' is not LAYER:N (expected e.g. conv1:3,conv2:21)");
    await usage(['--sweep', '0.5,1.5'], "--sweep '0.5,1.5': '1.5' is not a fraction in (0, 1)");
    await usage(['--kernels', 'conv1:1', '--seeds', '1,x'], "--seeds '1,x': 'x' is not a whole number in 0..4294967295");
    await usage(['--kernels', 'conv1:1', '--from-tune', manual], 'give --kernels or --from-tune, not both');
    await usage([], 'nothing to compare: give --from-tune, --kernels or --sweep');
    await usage(['--kernels', 'conv1:0'], "--kernels 'conv1:0' drops no kernel");
  });
});
