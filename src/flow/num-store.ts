// A shared store for per-flow numbers that do not fit a small integer (32-bit sequence
// numbers, timestamps, byte counts). V8 keeps such object fields as separate boxed heap
// numbers, so every packet would chase pointers through the cache for them; here they sit
// unboxed, side by side, in one Float64Array. Flows (and their reassemblers) take a block
// for the life of the object; the flow table reuses those objects rather than freeing them.

export const BLOCK = 32;

/** The store. Reassigned when it grows: always read it through this live binding. */
export let num = new Float64Array(BLOCK * 1024);
let next = 0;

/** A fresh block of `size` zeroed slots (default BLOCK); returns its base index. */
export function allocBlock(size: number = BLOCK): number {
  while (next + size > num.length) {
    const bigger = new Float64Array(num.length * 2);
    bigger.set(num);
    num = bigger;
  }
  const b = next;
  next += size;
  return b;
}
