import { gridSample, Linear, type ParamScope, softplus } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { type Mim4dConfig, sceneScale } from '../config/index.ts';
import type { VoxelGrid } from './voxel-grid.ts';

/** Field outputs at N points. */
export interface FieldOutput {
  sdf: tf.Tensor1D;
  /** d sdf / d x in scaled space, [N, 3]. */
  normal: tf.Tensor2D;
  rgb: tf.Tensor2D;
}

/**
 * An MLP of a point where every layer first adds a projection of an injected input (UniPAD's SDFDecoder and
 * RGBDecoder): h_0 = fc_p(x), h <- lin_l(act(h) + inj_l(z)).
 */
class InjectedMlp {
  readonly point: Linear;
  readonly injections: Linear[];
  readonly layers: Linear[];

  constructor(scope: ParamScope, injectDim: number, hidden: number, outDim: number, depth: number) {
    this.point = new Linear(scope.scope('fc_p'), 3, hidden);
    this.injections = Array.from(
      { length: depth },
      (_, l) => new Linear(scope.scope(`inject${l}`), injectDim, hidden),
    );
    this.layers = Array.from(
      { length: depth },
      (_, l) => new Linear(scope.scope(`layer${l}`), hidden, l === depth - 1 ? outDim : hidden),
    );
  }

  apply(points: tf.Tensor2D, inject: tf.Tensor2D, act: (x: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    let x = this.point.apply(points);
    this.layers.forEach((layer, l) => {
      x = layer.apply(tf.add(x, this.injections[l].apply(inject)) as tf.Tensor2D);
      if (l < this.layers.length - 1) x = act(x);
    });
    return x;
  }
}

/**
 * SDF and colour field conditioned on a volume [Z, Y, X, C] (method spec 1.7). Points are in the renderer's
 * scaled ego space (metres x s). Normals are the exact SDF gradient: tfjs records the gradient computation on the
 * outer tape, so the RGB branch and the loss backpropagate through it (second order, as create_graph=True).
 */
export class SdfField {
  readonly sdfMlp: InjectedMlp;
  readonly rgbMlp: InjectedMlp;
  readonly variance: tf.Variable;
  private readonly scale: number;

  constructor(
    scope: ParamScope,
    readonly config: Mim4dConfig,
    readonly grid: VoxelGrid,
  ) {
    const r = config.render;
    const c = config.volume.channels;
    this.scale = sceneScale(config);
    this.sdfMlp = new InjectedMlp(scope.scope('sdf'), c, r.hidden, r.hidden + 1, r.sdfLayers);
    this.rgbMlp = new InjectedMlp(scope.scope('rgb'), 3 + c + 3 + r.hidden, r.hidden, 3, r.rgbLayers);
    this.variance = scope.create('variance', [], { kind: 'constant', value: r.initVariance });
  }

  /** inv_s = exp(10 v), clipped as NeuS. */
  invS(): tf.Scalar {
    return tf.clipByValue(tf.exp(tf.mul(this.variance, 10)), 1e-6, 1e6) as tf.Scalar;
  }

  /** Volume features at scaled points x [N, 3]: [N, C]. */
  features(volume: tf.Tensor4D, x: tf.Tensor2D): tf.Tensor2D {
    const table = tf.reshape(volume, [-1, volume.shape[3]]) as tf.Tensor2D;
    // Slices, not unstack: tfjs's Unpack gradient fails when an output gets no gradient.
    const coords = [0, 1, 2].map((a) => {
      const axis = tf.reshape(tf.slice(x, [0, a], [-1, 1]), [-1]);
      return tf.div(tf.sub(tf.div(axis, this.scale), this.grid.min[a]), this.grid.size[a]) as tf.Tensor1D;
    });
    return gridSample(table, this.grid.dims, coords);
  }

  /** SDF MLP: [N, 1 + hidden] = sdf and geometry feature. */
  geometry(volume: tf.Tensor4D, x: tf.Tensor2D, features = this.features(volume, x)): tf.Tensor2D {
    const beta = this.config.render.softplusBeta;
    return this.sdfMlp.apply(x, features, (h) => softplus(h, beta));
  }

  /** SDF only, for the no-gradient up-sampling pass. */
  sdf(volume: tf.Tensor4D, x: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(tf.slice(this.geometry(volume, x), [0, 0], [-1, 1]), [-1]);
  }

  apply(volume: tf.Tensor4D, x: tf.Tensor2D, viewDirs: tf.Tensor2D): FieldOutput {
    const hidden = this.config.render.hidden;
    const n = x.shape[0];
    const selectSdf = tf.concat([tf.ones([n, 1]), tf.zeros([n, hidden])], 1);
    // The colour branch reads the same volume features as the SDF branch: they are sampled once, inside the
    // gradient scope (which would dispose them on leaving, hence keep), instead of a second gather and its backward.
    let features: tf.Tensor2D | null = null;
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
      features = tf.keep(this.features(volume, p as tf.Tensor2D));
      return this.geometry(volume, p as tf.Tensor2D, features);
    })(x, selectSdf as tf.Tensor2D);
    const sdf = tf.reshape(tf.slice(value, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D;
    const geo = tf.slice(value, [0, 1], [-1, hidden]) as tf.Tensor2D;
    const normal = grad as tf.Tensor2D;
    const shared = features as unknown as tf.Tensor2D;
    const inject = tf.concat([viewDirs, shared, normal, geo], 1) as tf.Tensor2D;
    // The tape holds its own references to what it saved, so the kept handle can go now.
    shared.dispose();
    const rgb = tf.sigmoid(this.rgbMlp.apply(x, inject, (h) => tf.relu(h) as tf.Tensor2D));
    return { sdf, normal, rgb };
  }
}
