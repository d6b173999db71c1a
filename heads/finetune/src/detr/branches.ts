import { LayerNorm, Linear, type ParamScope, tf } from '@mim4d/nn';

/** Focal-loss prior 0.01: the classifier starts predicting background everywhere (UVTR's and MapTR's init). */
const CLS_BIAS = -Math.log((1 - 0.01) / 0.01);

/**
 * A DETR-style decoder layer's prediction branches, as UVTR and MapTR build them: cls [Linear, LN, ReLU] x 2 +
 * Linear -> classes (bias at the 0.01 prior), reg [Linear, ReLU] x 2 + Linear -> `regOutputs`.
 */
export class Branches {
  readonly cls: { fc: Linear; norm: LayerNorm }[];
  readonly clsOut: Linear;
  readonly reg: Linear[];
  readonly regOut: Linear;
  constructor(cls: ParamScope, reg: ParamScope, dims: number, classes: number, regOutputs: number) {
    this.cls = [0, 3].map((i) => ({
      fc: new Linear(cls.scope(`${i}`), dims, dims),
      norm: new LayerNorm(cls.scope(`${i + 1}`), dims, 1e-5),
    }));
    this.clsOut = new Linear(cls.scope('6'), dims, classes, {
      biasInit: { kind: 'constant', value: CLS_BIAS },
    });
    this.reg = [0, 2].map((i) => new Linear(reg.scope(`${i}`), dims, dims));
    this.regOut = new Linear(reg.scope('4'), dims, regOutputs);
  }
  logits(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const { fc, norm } of this.cls) h = tf.relu(norm.apply(fc.apply(h)));
    return this.clsOut.apply(h);
  }
  delta(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const fc of this.reg) h = tf.relu(fc.apply(h));
    return this.regOut.apply(h);
  }
}
