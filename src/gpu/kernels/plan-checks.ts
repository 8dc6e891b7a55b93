/**
 * Argument checks shared by the kernel wrappers. A buffer that is too small would not fail on the GPU (WebGPU
 * clamps or drops out-of-bounds accesses) but compute garbage, and one buffer bound both as read-only and as
 * writable storage in one dispatch is a validation error far from its cause; so both are caught when a call is
 * planned, with the kernel's name in the message.
 */

/** Throws unless `value` is a positive integer. */
export function requirePositive(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${kernel}: ${name} must be a positive integer, got ${value}`);
}

/** Throws unless `buffer` holds at least `count` 4-byte elements. */
export function requireElements(kernel: string, name: string, buffer: GPUBuffer, count: number): void {
  if (buffer.size < count * 4) {
    throw new RangeError(`${kernel}: ${name} (${buffer.label || 'unlabelled'}) has ${buffer.size} bytes, needs ${count} x 4 = ${count * 4}`);
  }
}

/** Throws if two of the named buffers are the same object (this kernel cannot run in place). */
export function requireDistinct(kernel: string, buffers: Record<string, GPUBuffer>): void {
  const seen = new Map<GPUBuffer, string>();
  for (const [name, buffer] of Object.entries(buffers)) {
    const other = seen.get(buffer);
    if (other) throw new RangeError(`${kernel}: ${other} and ${name} are the same buffer (${buffer.label || 'unlabelled'}); this kernel cannot run in place`);
    seen.set(buffer, name);
  }
}
