/**
 * Which conv algorithms a context allows besides the implicit GEMM, which is always there (the choice itself is
 * conv2d-fastest.ts's). A file of its own, with no imports, so that the context can hold one without importing
 * the kernels.
 */
export interface ConvChoices {
  /**
   * Winograd where it pays, and with which tiles: every tile ('on'), transform domains up to 6 x 6 ('6x6': F(4x4,
   * 3x3) and F(2x2, 5x5), the rule before the 8 x 8 domain), F(2x2, 3x3) only ('small', the first rule), or never.
   */
  winograd: WinogradChoice;
  /** The direct kernel for few input channels, where it pays. */
  directFewChannels: boolean;
  /**
   * Winograd's products on the 'lavapipe' GEMM variant: 'const-b' runs them as gemm_stack_const_b.wgsl where they
   * fit (B at constant addresses, one dispatch per product), 'gemm' always as gemm.wgsl's stacked GEMM.
   */
  winogradProducts: WinogradProducts;
}

export type WinogradProducts = 'const-b' | 'gemm';

export type WinogradChoice = 'on' | '6x6' | 'small' | 'off';
/** The Winograd tiles a choice other than 'off' allows (networkWinogradTile). */
export type WinogradTiles = Exclude<WinogradChoice, 'off'>;

export const DEFAULT_CONV_CHOICES: Readonly<ConvChoices> = { winograd: 'on', directFewChannels: true, winogradProducts: 'const-b' };
