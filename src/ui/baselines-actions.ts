/**
 * What the baselines controls do: read the current version's plan and its last comparison (after every model
 * change; the session keeps one per version and saves it), run the comparison in the worker with the budget
 * chosen, with progress, and stop it (the engine's cancel, as for an evaluation).
 */
import { engine, proxy } from './engine-client.ts';
import type { BaselinesProgress } from '../session/engine-api.ts';
import { baselines, setBaselines } from './stores/baselines-store.ts';
import { analysis } from './stores/analysis-store.ts';
import { parseSweepFractions } from './sweep-fractions.ts';
import { parseSeedList } from './seed-list.ts';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const isCancel = (error: unknown): boolean => error instanceof Error && (error.name === 'CancelledError' || / cancelled/.test(error.message));

/** The plan of the current version; the budget fields start from its AOM-guided budget when the plan is new. */
export async function refreshBaselinePlan(): Promise<void> {
  const [plan, report] = await Promise.all([engine.baselinePlan(), engine.baselinesReport()]);
  const before = baselines.plan;
  if (plan && (!before || before.version !== plan.version || before.start !== plan.start)) {
    setBaselines({ plan, epochs: plan.budget.config.epochs, maxSteps: plan.budget.config.maxSteps, subset: plan.budget.subset });
  } else {
    setBaselines('plan', plan);
  }
  // The current version's own last comparison (kept with the session), never another version's.
  if (!baselines.running) setBaselines('report', report);
}

export async function compareWithBaselines(): Promise<void> {
  const sweep = parseSweepFractions(baselines.sweep);
  const seeds = parseSeedList(baselines.seeds);
  if (sweep.error !== null || seeds.error !== null) {
    setBaselines('error', sweep.error ?? seeds.error!);
    return;
  }
  setBaselines({ running: true, progress: null, error: '' });
  try {
    const report = await engine.compareBaselines(
      // APoZ is counted over as many images per class as the maps form says (0 there, the whole split, is the default here).
      { epochs: baselines.epochs, maxSteps: baselines.maxSteps, subset: baselines.subset, perClass: analysis.perClass > 0 ? analysis.perClass : undefined, sweep: sweep.fractions, seeds: seeds.seeds },
      proxy((progress: BaselinesProgress) => setBaselines('progress', progress)),
    );
    setBaselines('report', report);
  } catch (error) {
    setBaselines('error', isCancel(error) ? 'The comparison with the baselines was stopped; nothing was kept.' : message(error));
  } finally {
    setBaselines({ running: false, progress: null });
  }
}

export const stopBaselines = () => void engine.cancel();
