// The IDX format of the MNIST distribution (http://yann.lecun.com/exdb/mnist/): a magic number
// whose third byte is the element type and fourth the rank, then big-endian uint32 dimensions,
// then the elements, big-endian.

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dims: number[];
  data: IdxData;
}

const TYPES: Record<number, { bytes: number; make: (n: number) => IdxData; read: (view: DataView, offset: number) => number }> = {
  0x08: { bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  0x09: { bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  0x0b: { bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o) },
  0x0c: { bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o) },
  0x0d: { bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o) },
  0x0e: { bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o) },
};

/** Parses an IDX file; `source` names it in error messages. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0) throw new Error(`${source} is not an IDX file (bad magic number)`);
  const type = TYPES[view.getUint8(2)];
  if (type === undefined) throw new Error(`${source}: unknown IDX element type 0x${view.getUint8(2).toString(16)}`);
  const rank = view.getUint8(3);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(`${source}: truncated IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + count * type.bytes) {
    throw new Error(`${source}: IDX dimensions [${dims.join(', ')}] need ${headerBytes + count * type.bytes} bytes, file has ${bytes.length}`);
  }
  if (type.bytes === 1 && view.getUint8(2) === 0x08) return { dims, data: bytes.slice(headerBytes) };
  const data = type.make(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerBytes + i * type.bytes);
  return { dims, data };
}

/** Encodes unsigned bytes as IDX (type 0x08), the form gauntlet caches converted datasets in. */
export function encodeIdxUint8(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`IDX dimensions [${dims.join(', ')}] need ${count} elements, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
