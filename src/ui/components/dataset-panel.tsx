/** Dataset: built-in MNIST or the user's files (picker, folder picker, drag-and-drop), counts, samples per class. */
import { For, Show, createSignal } from 'solid-js';
import { dataset } from '../stores/dataset-store.ts';
import { loadBuiltIn, loadFiles, openProject } from '../actions.ts';
import { ImageCanvas } from './image-canvas.tsx';
import { FileButton } from './file-button.tsx';

export function DatasetPanel() {
  const [over, setOver] = createSignal(false);
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    // A dropped project file opens the whole session; anything else is a dataset.
    if (files.length === 1 && files[0].name.toLowerCase().endsWith('.aomproj')) void openProject(files);
    else if (files.length) void loadFiles(files);
  };
  const info = () => dataset.info;
  return (
    <section class="panel" data-testid="dataset-panel">
      <h2>Dataset</h2>
      <div
        class="drop-zone"
        data-testid="drop-zone"
        classList={{ over: over() }}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <button onClick={() => void loadBuiltIn()} disabled={dataset.loading}>Built-in MNIST</button>
        <FileButton label="Files…" multiple testId="dataset-files" buttonTestId="dataset-files-button" onFiles={(files) => void loadFiles(files)} />
        <FileButton label="Folder…" directory testId="dataset-folder" buttonTestId="dataset-folder-button" onFiles={(files) => void loadFiles(files)} />
        <span class="hint">or drop IDX (.gz), CIFAR .tar.gz/.bin, a .zip or a folder of class folders here (or an .aomproj project)</span>
      </div>
      <Show when={dataset.loading}><p class="busy">Loading…</p></Show>
      <Show when={dataset.error}><p class="error" data-testid="dataset-error">{dataset.error}</p></Show>
      <Show when={info()}>
        {(d) => (
          <>
            <p data-testid="dataset-summary">
              <strong>{d().summary.name}</strong> — {d().summary.imageShape.join('×')}, {d().summary.classNames.length} classes;
              train {d().summary.counts.train.toLocaleString('en')}, validation {d().summary.counts.validation.toLocaleString('en')}, test{' '}
              {d().summary.counts.test.toLocaleString('en')}
            </p>
            <For each={d().summary.notes}>{(note) => <p class="note">{note}</p>}</For>
            <div class="samples">
              <For each={d().samples}>
                {(s, c) => (
                  <div class="sample-row">
                    <span class="class-name" title={`${d().summary.perClass[c()].train} training images`}>{s.className}</span>
                    <For each={s.images}>
                      {(bytes) => <ImageCanvas bytes={bytes} height={d().summary.imageShape[0]} width={d().summary.imageShape[1]} channels={d().summary.imageShape[2]} size={22} />}
                    </For>
                    <span class="count">{d().summary.perClass[c()].train}</span>
                  </div>
                )}
              </For>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
