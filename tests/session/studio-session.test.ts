/**
 * The session core as the page's worker and the CLI use it: the split a version is evaluated on is its model's
 * own, mismatches are refused before any GPU work, train -> evaluate -> commit records the split and the figures,
 * edits are evaluated (or inherit their parent's figures when they keep the function), and long jobs cancel.
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { smallCnn } from '../helpers/small-cnn.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { splitDataset } from '../../src/data/splits.ts';
import { initModel } from '../../src/nn/init.ts';
import { mnistRef } from '../../src/nn/architectures.ts';
import { CancelledError, StudioSession } from '../../src/session/studio-session.ts';
import { ModelDatasetMismatchError } from '../../src/session/fit-check.ts';
import { splitForModel, withSplitRecord } from '../../src/session/split-policy.ts';
import type { EngineNotice } from '../../src/session/engine-api.ts';

const gpu = useGpu();

function openSession(notices: EngineNotice[] = []): StudioSession {
  const session = new StudioSession(gpu, (n) => notices.push(n));
  session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 400, test: 120 }) });
  return session;
}

describe('session core', () => {
  it('evaluates a version on its model\'s recorded split, not on a split of its own choosing', () => {
    const session = openSession();
    const dataset = session.dataset!.dataset;
    const recorded = splitDataset(dataset, { seed: 9, validationFraction: 0.2 });
    session.start(withSplitRecord(initModel(smallCnn(), 1), recorded), 'recorded');
    const { split, source, warnings } = session.splitOf();
    expect(source).toBe('recorded');
    expect(warnings).toEqual([]);
    expect([...split.validation]).toEqual([...recorded.validation]);
    expect([...split.train]).toEqual([...recorded.train]);
    // A model without a record gets the documented default (seed 1), the same as the CLI's.
    session.add(initModel(smallCnn(), 2), 'no record');
    expect(session.splitOf().source).toBe('default');
    expect([...session.splitOf().split.validation]).toEqual([...splitDataset(dataset).validation]);
  });

  it('warns, naming both, when the recorded dataset is not the one given', () => {
    const trainedOn = squaresDataset({ train: 400, test: 120, seed: 1 });
    const other = { ...squaresDataset({ train: 400, test: 120, seed: 2 }), name: 'other-squares' };
    const spec = withSplitRecord(initModel(smallCnn(), 1), splitDataset(trainedOn)).spec;
    const { warnings } = splitForModel(other, spec);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/trained on 'squares' .* not on 'other-squares'/);
  });

  it('refuses a model that does not fit the data before any GPU work, and says what fits', async () => {
    const session = openSession();
    session.start(initModel(mnistRef(), 1), 'mnist-ref');
    expect(session.fitProblem()).toMatch(/takes 28x28x1 images but dataset 'squares' has 12x12x1 images; import a model that takes them/);
    await expect(session.analyse({ layer: 'conv1', perClass: 5, tau: 0, ablation: false }, () => {})).rejects.toBeInstanceOf(ModelDatasetMismatchError);
    await expect(session.train({ config: { epochs: 1 }, subset: 0 }, () => {})).rejects.toThrow(/takes 28x28x1 images/);
  });

  it('trains, evaluates and commits with the split recorded; edits are evaluated or inherit', async () => {
    const notices: EngineNotice[] = [];
    const session = openSession(notices);
    session.start(initModel(smallCnn(), 1), 'fresh', true);
    const outcome = await session.train({ config: { epochs: 2, batchSize: 16, lr: 0.01, optimizer: 'adam' }, subset: 0 }, () => {});
    const trained = session.history.currentVersion;
    expect(outcome.ended).toBe('completed');
    expect(trained.model.spec.split?.seed).toBe(1);
    expect(trained.metrics.testCount).toBe(session.splitOf().split.test.length);
    expect(outcome.evaluation.accuracy).toBeGreaterThan(0.9);
    expect(outcome.evaluation.interval.low).toBeLessThan(outcome.evaluation.accuracy);
    expect(session.describe().accuracy).toBe(outcome.evaluation.accuracy);

    // Insert keeps the function: the child inherits the parent's figures, marked as inherited.
    const inserted = session.applyEdit({ kind: 'insert', after: 'conv1' }, null);
    expect(inserted.accuracy).toBe(outcome.evaluation.accuracy);
    expect(inserted.inheritedFrom).toBe(trained.id);

    // A drop changes the function: evaluated in the background, on the same images as its parent.
    const dropped = session.applyEdit({ kind: 'drop', layer: 'conv2', kernels: [0, 1, 2] }, null);
    expect(dropped.accuracy).toBeNull();
    await expect.poll(() => notices.some((n) => n.type === 'version-evaluated' && n.versionId === dropped.versionId), { timeout: 60_000 }).toBe(true);
    const evaluated = session.history.get(dropped.versionId).metrics;
    expect(evaluated.testCount).toBe(trained.metrics.testCount);
    expect(session.compare(trained.id, dropped.versionId).sameTestImages).toBe(true);
  });

  it('keeps each retrained version\'s curves, labels versions, and matches kernels in comparisons', async () => {
    const session = openSession();
    session.start(initModel(smallCnn(), 1), 'fresh', true);
    const dropped = session.applyEdit({ kind: 'drop', layer: 'conv1', kernels: [1] }, null);
    await session.train({ config: { epochs: 2, batchSize: 16, lr: 0.01, logEvery: 5 }, subset: 0 }, () => {});
    const retrained = session.history.currentVersion;
    const curves = retrained.curves!;
    expect(curves.step.length).toBeGreaterThan(2);
    expect(curves.loss).toHaveLength(curves.step.length);
    expect(curves.epochStep).toHaveLength(2);
    expect(curves.epochStep[1]).toBe(curves.step[curves.step.length - 1]);
    expect(curves.validationAccuracy.every((a) => a !== null && a >= 0 && a <= 1)).toBe(true);
    // The curves are in the history's rows and survive the stored session.
    const rows = session.historyInfo().versions;
    expect(rows.map((v) => v.label)).toEqual(['v0 fresh', 'v1 drop conv1 k1', 'v2 retrain']);
    expect(rows[2].curves).toEqual(curves);
    expect(rows[0].curves).toBeNull();
    const restored = openSession();
    restored.restore(session.state());
    expect(restored.history.get(retrained.id).curves).toEqual(curves);
    // The retrain shows its parent's edit as the one under way; the comparison says which kernels are which.
    expect(session.describe().editUnderWay).toEqual({ version: dropped.versionId, edit: { kind: 'drop', layer: 'conv1', kernels: [1] } });
    const conv1 = session.compare(0, retrained.id).kernels.find((k) => k.layer === 'conv1')!;
    expect(conv1.onlyInA).toEqual([1]);
    expect(conv1.pairs[1]).toEqual([2, 1]);
  });

  it('cancels the maps between batches and keeps nothing of them', async () => {
    // 1,000 test images: eight batches of the analysis, so a cancel after the first lands before the end.
    const session = new StudioSession(gpu);
    session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 400, test: 1000 }) });
    session.start(initModel(smallCnn(), 1), 'fresh');
    let calls = 0;
    const job = session.analyse({ layer: 'conv1', perClass: 0, tau: 0, ablation: true }, () => {
      calls++;
      if (calls === 1) session.cancel();
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    expect(session.cachedMaps('conv1')).toBeNull();
    // The session stays usable after a cancel.
    const maps = await session.analyse({ layer: 'conv1', perClass: 5, tau: 0, ablation: false }, () => {});
    expect(maps.kernels).toBe(6);
  });

  it('makes the suggestions again under other thresholds from the counted maps, the same as an analysis with them', async () => {
    const session = new StudioSession(gpu);
    session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 200, test: 80 }) });
    session.start(initModel(smallCnn(), 1), 'fresh');
    const request = { layer: 'conv2', perClass: 5, tau: 0, ablation: true };
    const maps = await session.analyse(request, () => {});
    expect(maps.thresholds).toMatchObject({ minImpact: 0.001, delta: 0.02, eps: 0.01 });
    // No pair is closer than 0 and no occurrence below 0: only the low-impact rule fires, and every kernel costs
    // less than all the accuracy, so it names all but one of the 8 kernels.
    const strict = { minImpact: 1, delta: 0, eps: 0 };
    const again = session.resuggest('conv2', strict)!;
    const dropped = new Set(again.suggestions.filter((s) => s.kind === 'drop').flatMap((s) => (s.kind === 'drop' ? s.kernels : [])));
    expect(dropped.size).toBe(7);
    expect(again.thresholds).toMatchObject(strict);
    expect(session.cachedMaps('conv2')!.suggestions).toEqual(again.suggestions); // kept with the maps
    // The same list an analysis run with those thresholds makes; and back to the defaults, the first list.
    const analysed = await session.analyse({ ...request, thresholds: strict }, () => {});
    expect(analysed.suggestions).toEqual(again.suggestions);
    expect(session.resuggest('conv2', {})!.suggestions).toEqual(maps.suggestions);
    expect(session.resuggest('conv1', strict)).toBeNull(); // no maps of conv1
  });

  it('refuses another dataset while a training runs on this one', async () => {
    const session = openSession();
    session.start(initModel(smallCnn(), 1), 'fresh');
    const job = session.train({ config: { epochs: 1, batchSize: 8 }, subset: 0 }, () => {});
    expect(() => session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 100, test: 20 }) })).toThrow(/a training is running/);
    session.stopTraining();
    await job;
    session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 100, test: 20 }) });
    expect(session.dataset!.dataset.train.count).toBe(100);
  });

  it('yields to the event loop after every training step, so Stop and Pause land within a step', async () => {
    const session = openSession();
    session.start(initModel(smallCnn(), 1), 'fresh');
    const batch = 8;
    const stepsPerEpoch = Math.floor(session.splitOf().split.train.length / batch);
    expect(stepsPerEpoch).toBeGreaterThan(20);
    // A stop asked for from a macrotask (what a worker message or Ctrl-C is) mid-epoch, with no read-back in the
    // epoch, ends training there, not at the epoch's end.
    let stopAsked = false;
    const job = session.train({ config: { epochs: 1, batchSize: batch, logEvery: 100_000 }, subset: 0 }, () => {});
    const waitThenStop = (n: number) => (n === 0 ? ((stopAsked = true), session.stopTraining()) : setImmediate(() => waitThenStop(n - 1)));
    setImmediate(() => waitThenStop(10));
    const stopped = await job;
    expect(stopAsked).toBe(true);
    expect(stopped.ended).toBe('stopped');
    const steps = Number(/after (\d+) steps/.exec(stopped.message)?.[1]);
    expect(steps).toBeLessThan(stepsPerEpoch);
  });

  it('continues a stopped training from its last checkpoint to the weights of the run never stopped', async () => {
    const request = { config: { epochs: 2, batchSize: 16, lr: 0.01, logEvery: 2, seed: 4 }, subset: 0 };
    const whole = openSession();
    whole.start(initModel(smallCnn(), 1), 'fresh');
    await whole.train(request, () => {});
    const expected = whole.history.currentVersion.model.weights;

    const session = openSession();
    session.start(initModel(smallCnn(), 1), 'fresh');
    const stopped = await session.train(request, (e) => {
      if (e.type === 'step' && e.step >= 6) session.stopTraining();
    });
    expect(stopped.ended).toBe('stopped');
    const pending = session.pendingTraining();
    expect(pending?.from).toBe(0);
    expect(pending!.step).toBeGreaterThan(0);
    // Saved with the session and restored (a reload), then continued.
    const reloaded = openSession();
    reloaded.restore(structuredClone(session.state()));
    expect(reloaded.describe().pendingTraining).toEqual(pending);
    const outcome = await reloaded.continueTraining(() => {});
    expect(outcome.ended).toBe('completed');
    expect(reloaded.pendingTraining()).toBeNull();
    const weights = reloaded.history.currentVersion.model.weights;
    for (const [layer, tensors] of Object.entries(expected)) {
      for (const [name, t] of Object.entries(tensors)) expect([...weights[layer][name].data], `${layer}/${name}`).toEqual([...t.data]);
    }
  });
});
