/** A spec that does not describe a computable model; `layer` names the offending layer when there is one. */
export class ModelSpecError extends Error {
  readonly layer: string | undefined;
  constructor(message: string, layer?: string) {
    super(message);
    this.name = 'ModelSpecError';
    this.layer = layer;
  }
}
