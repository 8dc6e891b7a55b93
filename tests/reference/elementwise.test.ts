import { describe, expect, it } from 'vitest';
import { add, axpy, copy, scale } from '../../src/reference/elementwise.ts';

describe('elementwise references', () => {
  it('compute scale, axpy, add and copy', () => {
    expect(Array.from(scale([1, -2], 3))).toEqual([3, -6]);
    expect(Array.from(axpy(2, [1, -2], [10, 20]))).toEqual([12, 16]);
    expect(Array.from(add([1, -2], [10, 20]))).toEqual([11, 18]);
    expect(Array.from(copy([1.5, 2]))).toEqual([1.5, 2]);
    expect(() => add([1], [1, 2])).toThrow(/add: x has 1 elements but y has 2/);
  });
});
