/**
 * vitest globalSetup: one folder per test run for the page's build, which the first browser test file to need it
 * fills (harness.ts buildPage) and the others reuse, so a run builds the page once instead of once per file. A
 * run without browser tests only makes and removes the empty folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pageBuildDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'aom-studio-dist-'));
  project.provide('pageBuildDir', dir);
  return () => rmSync(dir, { recursive: true, force: true }); // the build holds MNIST: 55 MB
}
