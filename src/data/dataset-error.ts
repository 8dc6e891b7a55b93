/**
 * DatasetError: the one error type of the data layer. Every message names the file (or dataset) and the
 * problem, so the page and the CLI can show it as is; the loaders are pure and throw before returning, so a
 * failed load never replaces a dataset that is already loaded.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';

  /**
   * @param source the file, archive member or dataset the problem is in (shown first in the message)
   * @param problem what is wrong, in words a user can act on
   */
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** 'a.png, b.png, c.png and 4 more': lists in error messages stay one line long. */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** '1 image', '3 images'. */
export const countOf = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;
