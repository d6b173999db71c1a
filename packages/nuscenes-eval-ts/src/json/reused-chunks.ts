/**
 * Reads a file in chunks into two buffers used in turn, the next read running while the caller works on the
 * current chunk. fs streams allocate a fresh buffer per chunk, and faulting in that new memory cost the
 * reading thread about 1 s of CPU per GB; here a chunk is valid only until the next one is asked for.
 */
import { open } from 'node:fs/promises';

export async function* reusedChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafeSlow(chunkBytes), Buffer.allocUnsafeSlow(chunkBytes)];
  let current = 0;
  let pending = file.read(buffers[current], 0, chunkBytes, null);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      const chunk = buffers[current].subarray(0, bytesRead);
      current ^= 1;
      pending = file.read(buffers[current], 0, chunkBytes, null);
      yield chunk;
    }
  } finally {
    // A read still running when the caller stops early: let it end (and drop its error) before closing.
    await pending.catch(() => {});
    await file.close();
  }
}
