import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `<runDir>/export/` atomically: `write` fills a sibling folder, which then replaces the export. A failure
 * leaves the previous export (or none) and no half-written folder. Returns the export folder.
 */
export function writeExportFolder(runDir: string, write: (dir: string) => void): string {
  const final = path.join(runDir, 'export');
  const tmp = path.join(runDir, 'export.tmp');
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    write(tmp);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return final;
}
