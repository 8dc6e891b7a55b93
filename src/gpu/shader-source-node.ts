/** Node's shader loader: reads `shaders/*.wgsl` beside `src/`, wherever the package is installed. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setShaderLoader } from './shader-source.ts';

const shaderDir = fileURLToPath(new URL('../../shaders/', import.meta.url));

export function useNodeShaderLoader(): void {
  setShaderLoader((file) => readFileSync(shaderDir + file, 'utf8'));
}
