/**
 * Which conv algorithms a context allows besides the implicit GEMM, which is always there (the choice itself is
 * conv2d-fastest.ts's). A file of its own, with no imports, so that the context can hold one without importing
 * the kernels.
 */
export interface ConvChoices {
  /** Winograd where it pays: with the larger tiles ('on'), F(2x2, 3x3) only ('small', the earlier rule), or never. */
  winograd: 'on' | 'small' | 'off';
  /** The direct kernel for few input channels, where it pays. */
  directFewChannels: boolean;
}

export const DEFAULT_CONV_CHOICES: Readonly<ConvChoices> = { winograd: 'on', directFewChannels: true };
