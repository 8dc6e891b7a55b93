/**
 * The error of a pruning plan or criterion that cannot be applied to a model: a layer that does not exist or is
 * not a conv layer, more kernels to drop than the layer can lose, a score list of the wrong length. `layer` names
 * the offending layer (when there is one), as SurgeryError does, so a caller can point at it.
 */
export class PruningError extends Error {
  readonly layer: string | undefined;
  constructor(message: string, layer?: string) {
    super(message);
    this.name = 'PruningError';
    this.layer = layer;
  }
}
