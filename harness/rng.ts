// Seeded, portable randomness: records must be identical across machines, workers and resumes.
import { createHash } from 'node:crypto';
import type { Rng } from './types.js';

/** 128-bit seed from any list of parts, so (seed, job, sample) each get an independent stream. */
function seedWords(parts: readonly (string | number)[]): [number, number, number, number] {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return [digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)];
}

/** sfc32: small, fast, passes PractRand to 2^40+; good enough for attack randomness. */
export function createRng(...parts: (string | number)[]): Rng {
  let [a, b, c, d] = seedWords(parts);
  const nextUint = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint();
  let spare: number | undefined;
  const next = (): number => nextUint() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
