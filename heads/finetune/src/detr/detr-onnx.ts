import { attr, type MultiHeadAttention, type OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import type { OnnxLayers } from '@mim4d/pretrain';
import type { Branches } from './branches.ts';
import type { Ffn } from './ffn.ts';

/** A DETR decoder's layers as ONNX, in evaluation mode (no dropout), over Q queries of `dims` in `heads` heads. */
export interface DetrGraph {
  /** query + dropout-free self-attention (q = k = query + pos, v = query); [b?, Q, d]. Add & norm are the caller's. */
  selfAttention(att: MultiHeadAttention, query: OnnxValue, queryPos: OnnxValue): OnnxValue;
  /** x + fc2(relu(fc1(x))). */
  ffn(ffn: Ffn, x: OnnxValue): OnnxValue;
  logits(branch: Branches, x: OnnxValue): OnnxValue;
  delta(branch: Branches, x: OnnxValue): OnnxValue;
}

/**
 * The graph pieces shared by the UVTR and MapTR decoders. Plain MatMul/Softmax attention; the reshape constants
 * are initializers made once (named under `prefix`) and shared by the layers.
 */
export function detrGraph(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  shape: { queries: number; dims: number; heads: number },
  prefix = 'head',
): DetrGraph {
  const { queries: Q, dims: d, heads: h } = shape;
  const relu = (x: OnnxValue) => g.op('Relu', [x]);
  const splitHeads = g.int64s(`${prefix}.split_heads`, [-1, Q, h, d / h]);
  const mergeHeads = g.int64s(`${prefix}.merge_heads`, [-1, Q, d]);
  const split = (x: OnnxValue) =>
    g.op('Transpose', [g.op('Reshape', [x, splitHeads])], { perm: attr.ints([0, 2, 1, 3]) });
  const scale = nn.scalar(`${prefix}.attn_scale`, 1 / Math.sqrt(d / h));
  return {
    selfAttention(att, query, queryPos) {
      const qk = g.op('Add', [query, queryPos]);
      const probs = g.op(
        'Softmax',
        [
          g.op('MatMul', [
            split(g.op('Mul', [nn.linear(qk, att.q), scale])),
            g.op('Transpose', [split(nn.linear(qk, att.k))], { perm: attr.ints([0, 1, 3, 2]) }),
          ]),
        ],
        { axis: attr.int(-1) },
      );
      const merged = g.op('Reshape', [
        g.op('Transpose', [g.op('MatMul', [probs, split(nn.linear(query, att.v))])], {
          perm: attr.ints([0, 2, 1, 3]),
        }),
        mergeHeads,
      ]);
      return g.op('Add', [query, nn.linear(merged, att.out)]);
    },
    ffn(ffn, x) {
      return g.op('Add', [x, nn.linear(relu(nn.linear(x, ffn.fc1)), ffn.fc2)]);
    },
    logits(branch, x) {
      let c = x;
      for (const { fc, norm } of branch.cls) c = relu(nn.layerNorm(nn.linear(c, fc), norm));
      return nn.linear(c, branch.clsOut);
    },
    delta(branch, x) {
      let r = x;
      for (const fc of branch.reg) r = relu(nn.linear(r, fc));
      return nn.linear(r, branch.regOut);
    },
  };
}
