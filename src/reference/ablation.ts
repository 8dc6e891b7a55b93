/**
 * CPU reference of the ablation kernels (shaders/ablation.wgsl).
 *
 * maskChannel: y = x with channel `kernel` set to zero, for NHWC maps with `channels` channels (the map a
 * layer's consumers read, with one kernel's output removed — what dropping that kernel does to them).
 * addCorrect: total += sum of correct[0 .. validRows) (u32 flags from the softmax cross-entropy kernel).
 */

/** Returns a copy of `x` with every element of channel `kernel` zeroed (x.length must be a multiple of channels). */
export function maskChannel(x: Float32Array, channels: number, kernel: number): Float32Array {
  if (x.length % channels !== 0) throw new RangeError(`maskChannel: ${x.length} values are not a multiple of ${channels} channels`);
  if (!(kernel >= 0 && kernel < channels)) throw new RangeError(`maskChannel: kernel ${kernel} is outside 0..${channels - 1}`);
  const y = x.slice();
  for (let i = kernel; i < y.length; i += channels) y[i] = 0;
  return y;
}

/** The number of correct rows among the first `validRows`. */
export function addCorrect(correct: ArrayLike<number>, validRows: number): number {
  let total = 0;
  for (let r = 0; r < validRows; r++) total += correct[r];
  return total;
}
