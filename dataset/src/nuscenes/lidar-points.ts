import { readFile } from 'node:fs/promises';

/** Values per point in a nuScenes `.pcd.bin`: x, y, z (metres, lidar frame), intensity, ring index. */
export const LIDAR_POINT_STRIDE = 5;

/** A LIDAR_TOP sweep in its own lidar frame. */
export interface LidarPoints {
  readonly frame: 'lidar';
  readonly count: number;
  /** `count` x 5 float32: x, y, z, intensity, ring. */
  readonly data: Float32Array;
}

/** Reads a `.pcd.bin` (little-endian float32 x 5 per point, as nuScenes ships LIDAR_TOP sweeps). */
export async function readLidarPoints(path: string): Promise<LidarPoints> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `${path}: cannot read lidar points: ${err.code === 'ENOENT' ? 'file not found' : err.message}`,
    );
  });
  const pointBytes = 4 * LIDAR_POINT_STRIDE;
  if (bytes.byteLength % pointBytes !== 0) {
    throw new Error(
      `${path}: ${bytes.byteLength} bytes is not a whole number of points (${pointBytes} bytes each: float32 x, y, z, intensity, ring)`,
    );
  }
  const data = new Float32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(4 * i, true);
  return { frame: 'lidar', count: data.length / LIDAR_POINT_STRIDE, data };
}
