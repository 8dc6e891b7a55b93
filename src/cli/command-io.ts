/** Where a command writes: the terminal in `aom-studio`, strings in the tests. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
