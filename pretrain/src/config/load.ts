import { existsSync, readFileSync } from 'node:fs';
import { PRESETS, tiny } from './presets.ts';
import { gridShape, type Mim4dConfig, PRETRAIN_OBJECTIVES, type PretrainObjective } from './types.ts';

/**
 * Fields added to the configs after runs, checkpoints and exported models were written with them, and the value
 * those older configs meant: every config from before the spatial-only arm pretrained with MIM4D's objective, and
 * every one from before data parallelism took one sample per step, and every one from before per-rendering tapes
 * taped the whole step.
 */
const ADDED_FIELDS: Readonly<Record<string, unknown>> = {
  objective: 'mim4d',
  samplesPerStep: 1,
  tapePerRender: false,
};

/**
 * Checks that `value` has exactly the structure of `template` (same keys, number/string/array-length types),
 * naming the first offending field as `source: a.b.c`. A missing field of ADDED_FIELDS is filled in.
 */
export function checkStructure(value: unknown, template: unknown, path: string, source: string): void {
  const where = `${source}: ${path || '(root)'}`;
  if (Array.isArray(template)) {
    if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
    // Stage lists vary in length; fixed-size tuples (ranges, colours) are checked by the semantic rules.
    value.forEach((v, i) => {
      checkStructure(v, template[0], `${path}[${i}]`, source);
    });
    return;
  }
  if (typeof template === 'object' && template !== null) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${where} must be an object`);
    }
    const t = template as Record<string, unknown>;
    const v = value as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      if (!(key in t)) throw new Error(`${where}: unknown field "${key}"`);
    }
    for (const key of Object.keys(t)) {
      if (!(key in v) && Object.hasOwn(ADDED_FIELDS, key)) v[key] = ADDED_FIELDS[key];
      if (!(key in v)) throw new Error(`${source}: ${path ? `${path}.` : ''}${key} is missing`);
      checkStructure(v[key], t[key], path ? `${path}.${key}` : key, source);
    }
    return;
  }
  if (typeof value !== typeof template) throw new Error(`${where} must be a ${typeof template}`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${where} must be finite`);
}

/** Throws `source: field message` unless `ok`: the one error form every config check uses. */
export function configRule(ok: boolean, source: string, field: string, message: string): void {
  if (!ok) throw new Error(`${source}: ${field} ${message}`);
}

const rule = configRule;

/** The optimiser and evaluation-schedule fields every training config has (pretraining and each head). */
export function checkOptimAndEvaluation(
  c: { optim: Mim4dConfig['optim']; evaluation: { every: number } },
  source: string,
): void {
  const { optim, evaluation } = c;
  rule(optim.lr > 0 && optim.clipNorm > 0, source, 'optim', 'needs lr > 0 and clipNorm > 0');
  rule(
    optim.warmupFraction >= 0 && optim.warmupFraction < 1,
    source,
    'optim.warmupFraction',
    'must be in [0, 1)',
  );
  rule(
    Number.isInteger(optim.samplesPerStep) && optim.samplesPerStep >= 1,
    source,
    'optim.samplesPerStep',
    'must be an integer >= 1',
  );
  rule(
    Number.isInteger(evaluation.every) && evaluation.every >= 0,
    source,
    'evaluation.every',
    'must be an integer >= 0 (0: only at the start and the end)',
  );
}

const isInt = (n: number) => Number.isInteger(n) && n > 0;

/** Validates a parsed config; errors name the source and the field. */
export function validateConfig(value: unknown, source: string): Mim4dConfig {
  checkStructure(value, tiny, '', source);
  const c = value as Mim4dConfig;
  const { input, mask, encoder, neck, depth, grid, decoder, render, evaluation } = c;
  rule(
    (PRETRAIN_OBJECTIVES as readonly string[]).includes(c.objective),
    source,
    'objective',
    `must be one of ${PRETRAIN_OBJECTIVES.join(', ')}`,
  );
  rule(isInt(input.cameras), source, 'input.cameras', 'must be a positive integer');
  const minFrames = c.objective === 'spatial' ? 1 : 2;
  rule(
    Number.isInteger(input.frames) && input.frames >= minFrames,
    source,
    'input.frames',
    `must be an integer >= ${minFrames}${minFrames === 2 ? ' (MIM4D reconstructs a dropped frame from the others)' : ''}`,
  );
  rule(input.mean.length === 3 && input.std.length === 3, source, 'input.mean/std', 'must have 3 values');
  rule(
    input.std.every((s) => s > 0),
    source,
    'input.std',
    'must be positive',
  );
  rule(mask.ratio >= 0 && mask.ratio < 1, source, 'mask.ratio', 'must be in [0, 1)');
  const stages = encoder.stageChannels.length;
  rule(stages >= 1, source, 'encoder.stageChannels', 'must list at least one stage');
  rule(encoder.stageDepths.length === stages, source, 'encoder.stageDepths', 'must have one depth per stage');
  rule(
    [...encoder.stageChannels, ...encoder.stageDepths].every(isInt),
    source,
    'encoder',
    'channels and depths must be positive integers',
  );
  rule(encoder.kernelSize % 2 === 1, source, 'encoder.kernelSize', 'must be odd');
  rule(encoder.dropPath >= 0 && encoder.dropPath < 1, source, 'encoder.dropPath', 'must be in [0, 1)');
  const deepest = encoder.stemStride * 2 ** (stages - 1);
  rule(
    mask.patchSize % deepest === 0,
    source,
    'mask.patchSize',
    `must be a multiple of the deepest stride ${deepest}`,
  );
  rule(
    input.imageHeight % mask.patchSize === 0 && input.imageWidth % mask.patchSize === 0,
    source,
    'input.imageHeight/imageWidth',
    `must be multiples of mask.patchSize ${mask.patchSize}`,
  );
  rule(
    neck.inStages.length >= 1 &&
      neck.inStages.every(
        (s, i) => Number.isInteger(s) && s >= 0 && s < stages && (i === 0 || s > neck.inStages[i - 1]),
      ),
    source,
    'neck.inStages',
    `must be increasing stage indices below ${stages}`,
  );
  rule(
    Number.isInteger(neck.extraLevels) && neck.extraLevels >= 0,
    source,
    'neck.extraLevels',
    'must be >= 0',
  );
  rule(
    isInt(depth.bins) && depth.step > 0 && depth.min >= 0,
    source,
    'depth',
    'needs bins >= 1, step > 0, min >= 0',
  );
  rule(
    grid.pcRange.length === 6 && grid.voxelSize.length === 3,
    source,
    'grid',
    'needs 6 range and 3 size values',
  );
  for (let a = 0; a < 3; a++) {
    const extent = grid.pcRange[a + 3] - grid.pcRange[a];
    const cells = extent / grid.voxelSize[a];
    rule(
      extent > 0 && Math.abs(cells - Math.round(cells)) < 1e-6 && cells >= 2,
      source,
      `grid.pcRange/voxelSize axis ${'xyz'[a]}`,
      'must span at least 2 whole voxels',
    );
  }
  rule(
    gridShape(c).x === gridShape(c).y,
    source,
    'grid',
    'must be square in x and y (the BEV decoder assumes it)',
  );
  rule(
    decoder.shortDim % decoder.shortHeads === 0 && decoder.longDim % decoder.longHeads === 0,
    source,
    'decoder',
    'dims must be divisible by their head counts',
  );
  rule(
    decoder.shortDim % 4 === 0 && decoder.longDim % 4 === 0,
    source,
    'decoder.shortDim/longDim',
    'must be multiples of 4 (sine encoding)',
  );
  rule(isInt(decoder.layers) && isInt(decoder.points), source, 'decoder', 'layers and points must be >= 1');
  rule(isInt(render.raysPerCamera), source, 'render.raysPerCamera', 'must be >= 1');
  rule(render.stratifiedSamples >= 2, source, 'render.stratifiedSamples', 'must be >= 2');
  rule(
    Number.isInteger(render.importanceSamples) && render.importanceSamples >= 0,
    source,
    'render.importanceSamples',
    'must be >= 0',
  );
  rule(render.sdfLayers >= 2 && render.rgbLayers >= 2, source, 'render.sdfLayers/rgbLayers', 'must be >= 2');
  rule(render.near > 0 && render.xyMax > render.xyMin, source, 'render', 'needs near > 0 and xyMax > xyMin');
  checkOptimAndEvaluation(c, source);
  rule(
    isInt(evaluation.samples) && isInt(evaluation.raysPerCamera),
    source,
    'evaluation',
    'needs samples >= 1 and raysPerCamera >= 1',
  );
  return c;
}

/**
 * The config with another pretraining objective and every other setting equal. The spatial-only arm sees one
 * frame (the key frame): without a temporal objective the previous frames would only cost time.
 */
export function withPretrainObjective(config: Mim4dConfig, objective: PretrainObjective): Mim4dConfig {
  if (objective === config.objective) return config;
  if (objective === 'spatial') {
    return { ...config, objective, name: `${config.name}-spatial`, input: { ...config.input, frames: 1 } };
  }
  throw new Error(
    `config ${config.name}: a ${config.objective} config cannot be turned into a ${objective} one (it lacks the frames); start from a ${objective} preset`,
  );
}

/** Loads a preset by name (`tiny`, `micro`, `paper`) or a JSON file, e.g. a preset with edits. */
export function loadConfig(nameOrPath: string): Mim4dConfig {
  return loadPresetOrFile(nameOrPath, PRESETS, validateConfig);
}

/**
 * A config: a preset by name, or a JSON file (a run's config.json with edits) checked by `validate`, whose errors
 * name the file and the field. A preset is returned as a copy, so callers may change it.
 */
export function loadPresetOrFile<C>(
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
