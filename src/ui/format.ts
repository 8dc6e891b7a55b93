/** Numbers as the page writes them: counts with thousands separators, FLOPs with k / M / G. */
export const fmtInt = (n: number): string => n.toLocaleString('en');

export function fmtFlops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
