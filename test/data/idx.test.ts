import { describe, expect, it } from '@jest/globals';
import { encodeIdxUint8, parseIdx } from '../../harness/data/idx.js';

describe('IDX', () => {
  it('round-trips unsigned bytes', () => {
    const data = Uint8Array.from({ length: 24 }, (_, i) => i * 10);
    const parsed = parseIdx(encodeIdxUint8([2, 3, 4], data), 'mem');
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(parsed.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(parsed.data)).toEqual(Array.from(data));
  });

  it('reads big-endian multi-byte types', () => {
    // magic 0x00000C01: int32, rank 1; dims [2]; values 1 and -2
    const bytes = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]);
    const parsed = parseIdx(bytes, 'mem');
    expect(parsed.data).toBeInstanceOf(Int32Array);
    expect(Array.from(parsed.data)).toEqual([1, -2]);
  });

  it('rejects bad magic numbers, types and lengths', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'f')).toThrow('f is not an IDX file (bad magic number)');
    expect(() => parseIdx(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]), 'f')).toThrow('f: unknown IDX element type 0x7');
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), 'f')).toThrow('f: IDX dimensions [3] need 11 bytes, file has 10');
  });
});
