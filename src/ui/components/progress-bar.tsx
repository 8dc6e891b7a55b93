/** A progress bar with a label (steps, images per second, time left). */
export function ProgressBar(props: { fraction: number; label: string; testId?: string }) {
  return (
    <div class="progress" data-testid={props.testId}>
      <div class="progress-fill" style={{ width: `${Math.round(Math.min(1, Math.max(0, props.fraction)) * 100)}%` }} />
      <span class="progress-label">{props.label}</span>
    </div>
  );
}

/** '1 min 05 s', '12 s'. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return m > 0 ? `${m} min ${String(r).padStart(2, '0')} s` : `${r} s`;
}
