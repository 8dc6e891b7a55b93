/**
 * A button that opens the file picker: a real <button> (in the Tab order; Enter and Space press it) that clicks
 * a hidden <input type=file>. A <label> around the input, the usual trick, is not focusable from the keyboard.
 */
import type { JSX } from 'solid-js';

export function FileButton(props: {
  label: JSX.Element;
  onFiles: (files: File[]) => void;
  multiple?: boolean;
  accept?: string;
  directory?: boolean;
  disabled?: boolean;
  testId?: string;
  buttonTestId?: string;
}) {
  let input!: HTMLInputElement;
  const pick = () => {
    if (input.files?.length) props.onFiles([...input.files]);
    input.value = ''; // the same file picked again still fires change
  };
  return (
    <>
      <button type="button" data-testid={props.buttonTestId} disabled={props.disabled} onClick={() => input.click()}>{props.label}</button>
      <input ref={input} type="file" hidden tabindex="-1" multiple={props.multiple} accept={props.accept} data-testid={props.testId} onChange={pick}
        {...(props.directory ? { webkitdirectory: true } : {})} />
    </>
  );
}
