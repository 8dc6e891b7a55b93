import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DawnNoiseFilter } from '../../src/cli/dawn-noise.js';

const UNIFORM = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.';
const STORAGE = 'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 500000 to 16 to fit dynamic offset allocation limit.';

/** Feeds `chunks` one by one and returns everything the filter let through, and what came out before the end. */
function run(chunks: string[]): { all: string; beforeEnd: string } {
  const filter = new DawnNoiseFilter();
  const beforeEnd = chunks.map((c) => filter.push(c)).join('');
  return { all: beforeEnd + filter.end(), beforeEnd };
}

describe('DawnNoiseFilter', () => {
  it('drops exactly the two warnings, whole lines, however the stream is chunked', () => {
    const text = `first\n${UNIFORM}\n${STORAGE}\nWarning: something else\nlast\n`;
    const expected = 'first\nWarning: something else\nlast\n';
    expect(run([text]).all).toBe(expected);
    expect(run(text.split('')).all).toBe(expected); // one character at a time
    expect(run([text.slice(0, 30), text.slice(30, 140), text.slice(140)]).all).toBe(expected);
  });

  it('keeps lines that only resemble the warnings', () => {
    const lookalikes = [`${UNIFORM} (and more)`, `  ${STORAGE}`, UNIFORM.replace('16', 'sixteen'), 'Warning: maxDynamic'];
    expect(run([lookalikes.join('\n') + '\n']).all).toBe(lookalikes.join('\n') + '\n');
  });

  it('passes a partial line on at once unless it may become a warning, and releases a held one at the end', () => {
    expect(run(['epoch 1: 50%\r']).beforeEnd).toBe('epoch 1: 50%\r');
    expect(run(['Warning: maxDyn']).beforeEnd).toBe('');
    expect(run(['Warning: maxDyn']).all).toBe('Warning: maxDyn');
    expect(run([UNIFORM]).all).toBe(''); // the very last line, without its newline
  });
});

describe('the aom-studio command', () => {
  it('prints nothing on stderr for a command that uses the GPU, and keeps its exit codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aom-dawn-noise-'));
    try {
      const out = join(dir, 'logits.npy');
      const ok = spawnSync(process.execPath, ['src/cli/bin.js', 'predict', '--model', 'src/models/mnist-ref/model.json', '--dataset', 'mnist', '--limit', '1', '--out', out], { encoding: 'utf8' });
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^wrote .*logits\.npy: float32 logits \[1, 10\]/);
      const usage = spawnSync(process.execPath, ['src/cli/bin.js', 'eval'], { encoding: 'utf8' });
      expect(usage.status).toBe(2);
      expect(usage.stderr).toMatch(/^aom-studio eval: /); // the child's own stderr still comes through
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
