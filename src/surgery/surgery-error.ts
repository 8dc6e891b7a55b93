/**
 * The error of every architecture edit that cannot be made (unknown layer, kernel index out of range, an edit
 * that would not preserve the function, …). `layer` names the offending layer, so the page can point at it.
 */
export class SurgeryError extends Error {
  readonly layer: string | undefined;
  constructor(message: string, layer?: string) {
    super(message);
    this.name = 'SurgeryError';
    this.layer = layer;
  }
}
