import { existsSync, readFileSync } from 'node:fs';

/** Throws `source: field message` unless `ok`: the one error form every head config check uses. */
export function configRule(ok: boolean, source: string, field: string, message: string): void {
  if (!ok) throw new Error(`${source}: ${field} ${message}`);
}

/**
 * A head's config: a preset by name, or a JSON file (a run's config.json with edits) checked by `validate`, whose
 * errors name the file and the field. A preset is returned as a copy, so callers may change it.
 */
export function loadHeadConfig<C>(
  nameOrPath: string,
  presets: Readonly<Record<string, C>>,
  validate: (value: unknown, source: string) => C,
): C {
  const preset = presets[nameOrPath];
  if (preset !== undefined) return structuredClone(preset);
  if (!existsSync(nameOrPath)) {
    throw new Error(
      `config "${nameOrPath}" is neither a preset (${Object.keys(presets).join(', ')}) nor an existing JSON file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(nameOrPath, 'utf8'));
  } catch (error) {
    throw new Error(`${nameOrPath}: not valid JSON (${(error as Error).message})`);
  }
  return validate(parsed, nameOrPath);
}
