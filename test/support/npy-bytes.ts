/**
 * Builds `.npy` bytes from a header dict text and raw data bytes, the header padded with spaces to
 * a multiple of 64 and ended by a newline, for format version `major` (1: u16 length, else u32).
 */
export function npyBytes(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const headerBytes = new TextEncoder().encode(dict);
  const total = Math.ceil((prefix + headerBytes.length + 1) / 64) * 64;
  const out = new Uint8Array(total + data.length).fill(0x20, prefix, total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, total - prefix, true);
  else view.setUint32(8, total - prefix, true);
  out.set(headerBytes, prefix);
  out[total - 1] = 0x0a;
  out.set(data, total);
  return out;
}
