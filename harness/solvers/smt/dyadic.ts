// Every finite double is m·2^e for integers m and e, so exact arithmetic on the numbers a problem
// states needs nothing but BigInt: no rational library, no rounding anywhere.

export interface Dyadic {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const bits = new DataView(new ArrayBuffer(8));

export function toDyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not a finite number`);
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  const low = bits.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  return { mantissa: high >>> 31 === 1 ? -mantissa : mantissa, exponent };
}

/** x as numerator/denominator in lowest terms (the denominator a power of two). */
export function toRational(x: number): { numerator: bigint; denominator: bigint } {
  let { mantissa, exponent } = toDyadic(x);
  if (mantissa === 0n) return { numerator: 0n, denominator: 1n };
  while ((mantissa & 1n) === 0n && exponent < 0) {
    mantissa >>= 1n;
    exponent++;
  }
  return exponent >= 0 ? { numerator: mantissa << BigInt(exponent), denominator: 1n } : { numerator: mantissa, denominator: 1n << BigInt(-exponent) };
}

function bitLength(v: bigint): number {
  return (v < 0n ? -v : v).toString(2).length;
}

/** numerator/denominator rounded to a double (within one ulp), however large the two integers are. */
export function rationalToNumber(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError('denominator is zero');
  if (numerator === 0n) return 0;
  // A 64-bit integer quotient carries more than a double's 53 bits; the power of two is applied exactly.
  const shift = 64 - (bitLength(numerator) - bitLength(denominator));
  const quotient = shift >= 0 ? (numerator << BigInt(shift)) / denominator : numerator / (denominator << BigInt(-shift));
  return scaleByPowerOfTwo(Number(quotient), -shift);
}

function scaleByPowerOfTwo(x: number, power: number): number {
  let result = x;
  let left = power;
  // 2 ** ±1074 alone is not representable; stepping keeps every factor a normal double.
  while (left > 1000) {
    result *= 2 ** 1000;
    left -= 1000;
  }
  while (left < -1000) {
    result *= 2 ** -1000;
    left += 1000;
  }
  return result * 2 ** left;
}
