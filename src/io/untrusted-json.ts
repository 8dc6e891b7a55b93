/**
 * JSON from a file the user opened: its length bounded before parsing, and keys that could reach an object's
 * prototype refused (`__proto__`, `constructor`, `prototype`), so that no later spread, merge or lookup of the
 * parsed value can pollute or shadow one. JSON.parse runs no code (no eval anywhere in the readers); what the
 * values mean is each reader's own validation.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An error in a JSON file, naming it (`where`: the file, or the file and the entry). */
export class UntrustedJsonError extends Error {
  override name = 'UntrustedJsonError';
}

export function parseUntrustedJson(text: string, where: string, maxChars: number): unknown {
  if (text.length > maxChars) throw new UntrustedJsonError(`${where}: is ${text.length.toLocaleString('en')} characters of JSON, more than the ${maxChars.toLocaleString('en')} allowed`);
  try {
    return JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new UntrustedJsonError(`${where}: has a key '${key}', which is refused (it could reach an object's prototype)`);
      return value;
    });
  } catch (error) {
    if (error instanceof UntrustedJsonError) throw error;
    throw new UntrustedJsonError(`${where}: is not valid JSON (${(error as Error).message})`);
  }
}

/** A plain JSON object (not an array, not null). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
