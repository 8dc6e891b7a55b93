/**
 * What the history's own controls do, beyond actions.ts: tick versions to compare (any two, or one with the
 * current version) and undo/redo from the keyboard.
 */
import { history, setHistory } from './stores/history-store.ts';
import { training } from './stores/training-store.ts';
import { compare, redo, undo } from './actions.ts';

/** Ticks or unticks a version; two ticked compare with each other (older first), one with the current version. */
export async function togglePick(id: number): Promise<void> {
  const picked = history.picked.includes(id) ? history.picked.filter((p) => p !== id) : [...history.picked, id].slice(-2);
  setHistory('picked', picked);
  const [a, b] = picked.length === 2 ? picked : [picked[0], history.info.current];
  if (picked.length > 0 && a !== b) await compare(Math.min(a, b), Math.max(a, b));
}

/** Where typing happens: there Ctrl+Z belongs to the field, not to the history (a ticked checkbox is not typing). */
const EDITABLE = 'input:not([type=checkbox]):not([type=radio]):not([type=button]), textarea, select, [contenteditable]:not([contenteditable="false"])';

/** Ctrl+Z undoes, Ctrl+Shift+Z (or Ctrl+Y) redoes; Cmd on macOS. Ignored while typing, training or busy. */
export function onUndoRedoKey(event: KeyboardEvent): void {
  const key = event.key.toLowerCase();
  if (!(event.ctrlKey || event.metaKey) || event.altKey || (key !== 'z' && key !== 'y')) return;
  if (event.target instanceof Element && event.target.closest(EDITABLE)) return;
  event.preventDefault();
  if (history.busy || training.running) return;
  const forward = key === 'y' || event.shiftKey;
  if (forward && history.info.canRedo) void redo();
  else if (!forward && history.info.canUndo) void undo();
}
