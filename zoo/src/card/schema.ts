import { ONNX_DTYPES } from '../onnx/tensor-spec.ts';
import { CARD_VERSION } from './model-card.ts';

const nonEmpty = { type: 'string', minLength: 1, maxLength: 512 } as const;
const gitCommit = { type: 'string', pattern: '^[0-9a-f]{7,64}$' } as const;
const finite = { type: 'number' } as const;

const tensorSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'dtype', 'shape'],
  properties: {
    name: nonEmpty,
    dtype: { enum: ONNX_DTYPES.filter((d) => d !== 'undefined') },
    shape: {
      oneOf: [
        { type: 'null' },
        {
          type: 'array',
          maxItems: 16,
          items: {
            oneOf: [
              { type: 'integer', minimum: 0 },
              { type: 'string', minLength: 1, maxLength: 64 },
              { type: 'null' },
            ],
          },
        },
      ],
    },
  },
} as const;

/** JSON Schema (draft-07) of a model card; `ModelCard` in model-card.ts is its TypeScript twin. */
export const modelCardSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://mim4d.dev/schemas/model-card/v1.json',
  title: 'MIM4D model card',
  type: 'object',
  additionalProperties: false,
  required: [
    'cardVersion',
    'name',
    'summary',
    'license',
    'architecture',
    'artifacts',
    'preprocessing',
    'training',
    'results',
  ],
  properties: {
    cardVersion: { const: CARD_VERSION },
    name: nonEmpty,
    summary: { type: 'string', minLength: 1, maxLength: 4000 },
    license: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.+-]*$', maxLength: 64 },
    paper: { type: 'string', format: 'uri' },
    task: { enum: ['backbone', 'detection', 'bev-seg', 'hdmap'] },
    labels: { type: 'array', minItems: 1, maxItems: 1024, uniqueItems: true, items: nonEmpty },
    architecture: {
      type: 'object',
      additionalProperties: false,
      required: ['family', 'backbone'],
      properties: {
        family: nonEmpty,
        backbone: nonEmpty,
        neck: nonEmpty,
        head: nonEmpty,
        params: { type: 'integer', minimum: 0 },
        flopsG: { type: 'number', minimum: 0 },
      },
    },
    artifacts: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'format', 'role'],
        properties: {
          path: nonEmpty,
          format: { enum: ['onnx', 'safetensors', 'json', 'npz', 'other'] },
          role: nonEmpty,
          io: {
            type: 'object',
            additionalProperties: false,
            required: ['inputs', 'outputs'],
            properties: {
              opset: { type: 'integer', minimum: 1 },
              inputs: { type: 'array', minItems: 1, maxItems: 256, items: tensorSpec },
              outputs: { type: 'array', minItems: 1, maxItems: 256, items: tensorSpec },
            },
          },
        },
        if: { properties: { format: { const: 'onnx' } } },
        // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
        then: { required: ['io'] },
      },
    },
    preprocessing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        images: {
          type: 'object',
          additionalProperties: false,
          required: ['mean', 'std', 'color', 'resizePx', 'crop'],
          properties: {
            mean: { type: 'array', minItems: 3, maxItems: 3, items: finite },
            std: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'number', exclusiveMinimum: 0 } },
            color: { enum: ['RGB', 'BGR'] },
            resizePx: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer', minimum: 1 } },
            crop: { enum: ['none', 'center', 'bottom'] },
            cameras: { type: 'array', minItems: 1, items: nonEmpty },
          },
        },
        frames: {
          type: 'object',
          additionalProperties: false,
          required: ['count', 'strideS'],
          properties: { count: { type: 'integer', minimum: 1 }, strideS: { type: 'number', minimum: 0 } },
        },
        outputFrame: { enum: ['ego', 'lidar', 'global'] },
        bevRangeM: { type: 'array', minItems: 4, maxItems: 4, items: finite },
      },
    },
    postprocessing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        detection: {
          type: 'object',
          additionalProperties: false,
          required: ['topK', 'classRangeM'],
          properties: {
            topK: { type: 'integer', minimum: 1 },
            classRangeM: {
              type: 'object',
              minProperties: 1,
              additionalProperties: { type: 'number', exclusiveMinimum: 0 },
            },
          },
        },
      },
    },
    sensors: {
      type: 'object',
      additionalProperties: false,
      required: ['camera', 'lidar', 'radar', 'map', 'external'],
      properties: {
        camera: { type: 'boolean' },
        lidar: { type: 'boolean' },
        radar: { type: 'boolean' },
        map: { type: 'boolean' },
        external: { type: 'boolean' },
      },
    },
    training: {
      type: 'object',
      additionalProperties: false,
      required: ['datasets', 'provenance'],
      properties: {
        datasets: { type: 'array', minItems: 1, items: nonEmpty },
        epochs: { type: 'number', minimum: 0 },
        steps: { type: 'integer', minimum: 0 },
        resources: nonEmpty,
        pretrainedFrom: { type: 'string', pattern: '^[^/@\\s]+/[^/@\\s]+@[0-9a-f]{40}$' },
        provenance: {
          type: 'object',
          additionalProperties: false,
          required: ['codeRepo', 'codeCommit'],
          properties: {
            codeRepo: nonEmpty,
            codeCommit: gitCommit,
            configPath: nonEmpty,
            configSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            date: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    results: {
      type: 'array',
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['benchmark', 'task', 'dataset', 'metrics', 'status', 'provenance'],
        properties: {
          benchmark: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*@v[0-9]+$' },
          task: nonEmpty,
          dataset: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'version', 'split'],
            properties: { name: nonEmpty, version: nonEmpty, split: nonEmpty },
          },
          metrics: { type: 'object', minProperties: 1, additionalProperties: finite },
          perClass: {
            type: 'object',
            additionalProperties: { type: 'object', additionalProperties: finite },
          },
          status: { enum: ['verified', 'self-reported'] },
          provenance: {
            type: 'object',
            additionalProperties: false,
            required: ['evalToolkit', 'dataConverter', 'coordConvention'],
            properties: {
              evalToolkit: nonEmpty,
              dataConverter: nonEmpty,
              coordConvention: nonEmpty,
              codeCommit: gitCommit,
              hardware: {
                type: 'object',
                additionalProperties: false,
                required: ['accelerator', 'count'],
                properties: { accelerator: nonEmpty, count: { type: 'integer', minimum: 1 } },
              },
              seed: { type: 'integer' },
              date: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
} as const;
