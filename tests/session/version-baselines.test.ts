/**
 * The page's "Compare with baselines" in the session core, on a small CNN and the synthetic squares dataset: the
 * plan read from a version's history (start, kernels per layer, the AOM-guided budget, the lineage cut at an
 * import, notes for edits the baselines do not make), the run (rows, the same kernels per layer and parameters as
 * the AOM-guided version, every row measured on the same images, the chosen budget), and Stop.
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { smallCnn } from '../helpers/small-cnn.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { pickAtRandom } from '../../src/analysis/prune-random.ts';
import { initModel } from '../../src/nn/init.ts';
import { CancelledError, StudioSession } from '../../src/session/studio-session.ts';
import type { BaselinesProgress } from '../../src/session/version-baselines.ts';
import { decodeProject, encodeProject } from '../../src/session/project-file.ts';

const gpu = useGpu();

const BUDGET = { epochs: 1, batchSize: 16, lr: 0.01, optimizer: 'adam' as const, maxSteps: 4 };

/** v0 trained -> v1 trained (the start) -> v2 drop conv1 k0,3 -> v3 retrain -> v4 drop conv2 k1 -> v5 retrain. */
async function tunedSession(): Promise<StudioSession> {
  const session = new StudioSession(gpu);
  session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 400, test: 120 }) });
  session.evaluationLimit = 60;
  session.start(initModel(smallCnn(), 1), 'fresh', true);
  await session.train({ config: { ...BUDGET, maxSteps: 20 }, subset: 0 }, () => {});
  session.applyEdit({ kind: 'drop', layer: 'conv1', kernels: [0, 3] }, null);
  await session.train({ config: BUDGET, subset: 200 }, () => {});
  session.applyEdit({ kind: 'drop', layer: 'conv2', kernels: [1] }, null);
  await session.train({ config: BUDGET, subset: 200 }, () => {});
  return session;
}

describe('compare with baselines (session core)', () => {
  it('plans from the history: the version the first drop was applied to, the kernels per layer, the AOM-guided budget; runs L1, APoZ and 3 random seeds alike', async () => {
    const session = await tunedSession();
    expect(session.history.current).toBe(5);
    const plan = session.baselinePlan()!;
    expect([plan.start, plan.lastDrop, plan.version]).toEqual([1, 4, 5]);
    expect(plan.drops).toEqual([{ layer: 'conv1', count: 2 }, { layer: 'conv2', count: 1 }]);
    expect(plan.recorded).toBe(true);
    expect(plan.budget.subset).toBe(200);
    expect(plan.budget.config).toMatchObject(BUDGET);
    expect(plan.notes).toEqual([]);
    // The root and the first training have no drop below them.
    expect(session.baselinePlan(1)).toBeNull();

    const progress: BaselinesProgress[] = [];
    const report = await session.compareBaselines({ maxSteps: 2 }, (p) => progress.push(p));
    expect(report.rows.map((r) => [r.method, r.seed])).toEqual([
      ['unedited', null], ['aom-guided', null], ['l1-norm', null], ['apoz', null], ['random', 1], ['random', 2], ['random', 3],
    ]);
    // The chosen smaller budget over the AOM-guided one; the same training subset.
    expect(report.config).toMatchObject({ ...BUDGET, maxSteps: 2 });
    expect([report.subset, report.testImages, report.seeds]).toEqual([200, 60, [1, 2, 3]]);
    const [unedited, aom, ...baselines] = report.rows;
    expect(unedited.dropped).toEqual({ conv1: 0, conv2: 0 });
    expect(aom.dropped).toEqual({ conv1: 2, conv2: 1 });
    expect(aom.kernels).toEqual({ conv1: 4, conv2: 7 });
    // The AOM-guided after-retraining figure is the version's own, measured on the same images as its metrics.
    expect(aom.testAccuracy).toBe(session.history.get(5).metrics.accuracy);
    for (const row of baselines) {
      expect(row.dropped, row.method).toEqual(aom.dropped);
      expect([row.parameters, row.flops]).toEqual([aom.parameters, aom.flops]);
      expect(row.steps.map((s) => [s.layer, s.kernels.length, s.training!.steps])).toEqual([['conv1', 2, 2], ['conv2', 1, 2]]);
      for (const v of [row.dropTestAccuracy, row.testAccuracy, row.validationAccuracy]) expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(baselines[2].steps[0].kernels).toEqual(pickAtRandom('conv1', 6, 2, 1));
    // Progress: every retraining counted, ending at the whole.
    expect(progress[progress.length - 1]).toMatchObject({ done: 10, total: 10, fraction: 1 });
    expect(progress.some((p) => /^apoz: conv2/.test(p.stage))).toBe(true);
    // The versions did not change; the report is kept as v5's last comparison, and travels with the session's
    // state (what the page saves to IndexedDB and a project file) into a restored one.
    expect(session.history.size).toBe(6);
    expect(session.baselinesReport()).toBe(report);
    expect(session.baselinesReport(3)).toBeNull();
    const restored = new StudioSession(gpu);
    restored.restore(session.state());
    expect(restored.baselinesReport(5)).toEqual(report);
    const file = decodeProject(encodeProject({ state: session.state(), settings: {}, dataset: null, savedAt: 'now' }), 'p.aomproj');
    expect(file.state.baselines?.['5']).toEqual(report);
    // A comparison filed under another version (a hand-edited file) is refused, naming it.
    const forged = { ...session.state(), baselines: { '3': report } };
    expect(() => decodeProject(encodeProject({ state: forged, settings: {}, dataset: null, savedAt: 'now' }), 'p.aomproj')).toThrow(/p\.aomproj: project\.state\.baselines\['3'\] is not the comparison of a version of the history/);
  });

  it('sweeps fractions of every layer\'s kernels by each method after the matched rows, and notes a fraction that drops none', async () => {
    const session = await tunedSession();
    const progress: BaselinesProgress[] = [];
    const report = await session.compareBaselines({ maxSteps: 1, seeds: [1], sweep: [0.5, 0.01] }, (p) => progress.push(p));
    expect(report.rows.map((r) => [r.method, r.run, r.fraction])).toEqual([
      ['unedited', 'start', null], ['aom-guided', 'matched', null],
      ['l1-norm', 'matched', null], ['apoz', 'matched', null], ['random', 'matched', null],
      ['l1-norm', 'sweep', 0.5], ['apoz', 'sweep', 0.5], ['random', 'sweep', 0.5],
    ]);
    expect(report.sweep).toEqual([0.5]);
    // Half of conv1's 6 and of conv2's 8 kernels, whatever the history dropped.
    for (const row of report.rows.slice(5)) expect([row.kernels, row.steps.map((s) => s.layer)]).toEqual([{ conv1: 3, conv2: 4 }, ['conv1', 'conv2']]);
    expect(report.rows[1].notes).toEqual(['the sweep at 0.01 rounds to no kernel in any layer: left out']);
    expect(progress[progress.length - 1]).toMatchObject({ done: 12, total: 12, fraction: 1 });
    expect(progress.some((p) => p.stage === 'apoz (sweep 0.5): conv2')).toBe(true);
    // A fraction out of (0, 1) is refused before any retraining.
    await expect(session.compareBaselines({ sweep: [1.5] })).rejects.toThrow(/fraction of kernels to drop must be in \(0, 1\), got 1\.5/);
  });

  it('cuts the lineage at an import, notes a widen, refuses a version without drops, and stops on cancel', async () => {
    const session = await tunedSession();
    session.applyEdit({ kind: 'widen', layer: 'conv2', by: 2, mode: 'fresh' }, null);
    const widened = session.baselinePlan()!;
    expect(widened.notes).toEqual([`v6 also applied 'widen conv2 +2', which the baselines do not: its parameters differ from theirs`]);
    // An imported model (a child without an edit or a training) starts a new lineage: no drop below it yet.
    session.add(initModel(smallCnn(), 9), 'imported small-cnn');
    expect(session.baselinePlan()).toBeNull();
    await expect(session.compareBaselines({})).rejects.toThrow(/v7's history drops no kernel/);
    session.applyEdit({ kind: 'drop', layer: 'conv1', kernels: [5] }, null);
    const fresh = session.baselinePlan()!;
    expect([fresh.start, fresh.recorded, fresh.drops]).toEqual([7, false, [{ layer: 'conv1', count: 1 }]]);
    expect(fresh.notes[0]).toMatch(/no version below v7 was retrained/);

    session.checkout(5);
    const running = session.compareBaselines({ maxSteps: 50, seeds: [1] }, (p) => {
      if (p.stage.startsWith('l1-norm')) session.cancel();
    });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
  });
});
