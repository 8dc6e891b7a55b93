import { describe, expect, it } from 'vitest';
import { guideSteps } from '../../src/ui/guide-steps.ts';
import type { ModelInfo, VersionRow } from '../../src/session/engine-api.ts';

const layer = (name: string, kernels: number | null) => ({ name, kind: kernels === null ? 'maxpool' : 'conv2d', outputShape: [1], params: 0, flops: 0, kernels });
const info = (untrained: boolean) => ({ untrained, layers: [layer('stem', 8), layer('pool', null), layer('block2', 16)] }) as unknown as ModelInfo;
const row = (id: number, parent: number | null, editLayer: string | null) => ({ id, parent, editLayer }) as VersionRow;

describe('guideSteps', () => {
  it('has one step per conv layer in model order, whatever the layers are called', () => {
    const steps = guideSteps(info(false), [row(0, null, null)], 0);
    expect(steps.map((s) => s.key)).toEqual(['train', 'layer-stem', 'layer-block2', 'export']);
    expect(steps.map((s) => s.status)).toEqual(['done', 'active', 'todo', 'todo']);
    expect(steps[1].title).toBe('stem (8 kernels)');
  });

  it('marks a layer done when the current version\'s path edits it, and only that path counts', () => {
    // 0 -> 1 (edit stem) -> 2 (retrain); 0 -> 3 (edit block2)
    const versions = [row(0, null, null), row(1, 0, 'stem'), row(2, 1, null), row(3, 0, 'block2')];
    expect(guideSteps(info(false), versions, 2).map((s) => s.status)).toEqual(['done', 'done', 'active', 'todo']);
    expect(guideSteps(info(false), versions, 3).map((s) => s.status)).toEqual(['done', 'active', 'done', 'todo']);
    expect(guideSteps(info(true), versions, 0)[0].status).toBe('active');
  });
});
