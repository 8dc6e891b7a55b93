/**
 * Where WGSL text comes from. Every kernel lives in `shaders/<name>.wgsl`; the page gets them through Vite's
 * `?raw` glob (bundled as strings), Node reads them from disk. Both register a loader here once, so kernel
 * wrappers only ever ask for a file name.
 */
export type ShaderLoader = (file: string) => string;

let loader: ShaderLoader | null = null;
const cache = new Map<string, string>();

export function setShaderLoader(next: ShaderLoader): void {
  loader = next;
  cache.clear();
}

export function shaderText(file: string): string {
  let text = cache.get(file);
  if (text !== undefined) return text;
  if (!loader) throw new Error(`No shader loader registered while loading shaders/${file}: call setShaderLoader first`);
  text = loader(file);
  cache.set(file, text);
  return text;
}

/** Loader for bundlers that support `import.meta.glob` (Vite, Vitest): all shaders as raw strings. */
export function globShaderLoader(modules: Record<string, string>): ShaderLoader {
  const byName = new Map<string, string>();
  for (const [path, text] of Object.entries(modules)) byName.set(path.slice(path.lastIndexOf('/') + 1), text);
  return (file) => {
    const text = byName.get(file);
    if (text === undefined) throw new Error(`shaders/${file} is not bundled (known: ${[...byName.keys()].join(', ')})`);
    return text;
  };
}
