/**
 * The error of every model-file problem (unsupported layer, missing weight, weight of the wrong shape or dtype,
 * malformed model.json). `layer` names the offending layer when there is one, so the page can point at it.
 */
export class ModelFormatError extends Error {
  readonly layer: string | undefined;
  constructor(message: string, layer?: string) {
    super(message);
    this.name = 'ModelFormatError';
    this.layer = layer;
  }
}
