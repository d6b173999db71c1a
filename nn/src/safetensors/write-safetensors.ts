/** One float32 tensor to store; `data` is row-major with `shape`'s element count. */
export interface SafetensorsInput {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The key the format reserves for the string-to-string metadata map. */
export const METADATA_KEY = '__metadata__';

const encoder = new TextEncoder();

/** Rust's `str` order, which is the order of the UTF-8 bytes (JS `<` compares UTF-16 units, which differs). */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkInput(t: SafetensorsInput, seen: Set<string>): void {
  if (t.name === METADATA_KEY) throw new Error(`safetensors: tensor name ${METADATA_KEY} is reserved`);
  if (seen.has(t.name)) throw new Error(`safetensors: tensor ${t.name} is given twice`);
  seen.add(t.name);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`safetensors: tensor ${t.name} has shape [${t.shape}], not non-negative integers`);
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) {
    throw new Error(
      `safetensors: tensor ${t.name} has ${t.data.length} values, shape [${t.shape}] needs ${size}`,
    );
  }
}

/**
 * Serialises float32 tensors as the reference implementation (huggingface/safetensors `serialize`) does, so the
 * bytes match its output: tensors sorted by descending dtype alignment, then by name (all F32 here, so by name);
 * the header is compact JSON with `__metadata__` first, padded with spaces so the data starts 8-byte aligned.
 * The reference writes metadata keys in hash-map order; here they are sorted like the names, so the output is
 * deterministic and equal to the reference's whenever the metadata has at most one key.
 */
export function writeSafetensors(tensors: SafetensorsInput[], metadata?: Record<string, string>): Uint8Array {
  const seen = new Set<string>();
  for (const t of tensors) checkInput(t, seen);
  const ordered = [...tensors].sort((a, b) => byUtf8(a.name, b.name));
  // Built by hand, not JSON.stringify of an object, which would move integer-like names to the front.
  const entries: string[] = [];
  if (metadata !== undefined) {
    const pairs = Object.keys(metadata)
      .sort(byUtf8)
      .map((key) => {
        const value = metadata[key];
        if (typeof value !== 'string') {
          throw new Error(`safetensors: metadata ${key} is ${typeof value}, the format allows only strings`);
        }
        return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
      });
    entries.push(`${JSON.stringify(METADATA_KEY)}:{${pairs.join(',')}}`);
  }
  let offset = 0;
  for (const t of ordered) {
    const end = offset + 4 * t.data.length;
    entries.push(
      `${JSON.stringify(t.name)}:{"dtype":"F32","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = encoder.encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of ordered) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}
