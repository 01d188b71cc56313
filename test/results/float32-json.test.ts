// float32ToJson caches conversions by the float's bits: whatever the cache holds, every value must
// come out as the 9-significant-digit decimal that reads back to the same float32.
import { describe, expect, it } from '@jest/globals';
import { float32ToJson, nineDigits } from '../../harness/results/record.js';
import { createRng } from '../../harness/rng.js';

const reference = (values: Float32Array): number[] => Array.from(values, (v) => Number(v.toPrecision(9)));

describe('float32ToJson', () => {
  it('gives the 9-digit decimal of every float32, through cache hits, misses and collisions, and round-trips', () => {
    const rng = createRng('float32-json');
    const special = Float32Array.from([0, -0, 1, -1, 0.1, 1 / 3, 1e-45, 3.4028234e38, -1.17549435e-38, 0.5 + 2 ** -24]);
    // PGD-like rows repeat few values; uniform noise is all misses; 2^17 distinct values collide in the 2^16 slots
    const pgdLike = Float32Array.from({ length: 784 * 20 }, (_, i) => Math.min(1, Math.max(0, ((i * 37) % 256) / 255 + 0.01 * (Math.floor(rng.next() * 21) - 10))));
    const noise = Float32Array.from({ length: 50_000 }, () => rng.next() * 2 - 1);
    const spread = Float32Array.from({ length: 1 << 17 }, (_, i) => i * 1.7e-3);
    for (const values of [special, pgdLike, noise, spread, pgdLike, special, noise.subarray(123, 4567)]) {
      const out = float32ToJson(values);
      expect(out).toEqual(reference(values));
      expect(Float32Array.from(JSON.parse(JSON.stringify(out)) as number[])).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    }
  });
});

describe('nineDigits', () => {
  const same = (values: Float32Array): { checked: number; differing: string[] } => {
    const differing: string[] = [];
    for (const v of values) {
      const want = Number(v.toPrecision(9));
      const got = nineDigits(v);
      if (!Object.is(want, got) && !(Number.isNaN(want) && Number.isNaN(got))) differing.push(`${v}: ${got} instead of ${want}`);
    }
    return { checked: values.length, differing: differing.slice(0, 5) };
  };

  it('equals Number(toPrecision(9)) on random bit patterns: every exponent, subnormals, NaN and ±∞', () => {
    const rng = createRng('nine-digits bits');
    const bits = Uint32Array.from({ length: 300_000 }, () => Math.floor(rng.next() * 2 ** 32));
    expect(same(new Float32Array(bits.buffer))).toEqual({ checked: 300_000, differing: [] });
  });

  it('equals it next to every power of ten a float32 reaches, where log10 can be one off', () => {
    const around: number[] = [];
    for (let j = -45; j <= 38; j++) {
      const p = Math.fround(10 ** j);
      const word = new Uint32Array(Float32Array.of(p).buffer)[0];
      for (let d = -3; d <= 3; d++) around.push(new Float32Array(Uint32Array.of(word + d).buffer)[0], -new Float32Array(Uint32Array.of(word + d).buffer)[0]);
    }
    const values = Float32Array.from(around);
    expect(same(values)).toEqual({ checked: values.length, differing: [] });
  });

  it('equals it at decimal ties and next to them, where it falls back to the text', () => {
    // m·2^-p with few bits: v·10^k lands on .5 exactly or within rounding of it
    const ties = Float32Array.from({ length: 4000 }, (_, i) => (2 * i + 1) / 2 ** (1 + (i % 24)));
    expect(same(ties)).toEqual({ checked: ties.length, differing: [] });
  });
});
