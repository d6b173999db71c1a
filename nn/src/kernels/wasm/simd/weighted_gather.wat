;; Grid sampling's fused gathers (nn/src/runtime/weighted-gather.ts) on the backend's heap.
;; See simd_module.ts for how the modules are assembled and bound.
(module
  (import "tfjs" "memory" (memory 0))

  ;; dst[0..cols) += src[0..cols) * w
  (func $addScaledRow (param $dst i32) (param $src i32) (param $w f32) (param $cols i32)
    (local $wv v128) (local $end i32) (local $vecEnd i32)
    (local.set $wv (f32x4.splat (local.get $w)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $dst) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $dst) (local.get $vecEnd)))
        (v128.store (local.get $dst)
          (f32x4.add (v128.load (local.get $dst)) (f32x4.mul (v128.load (local.get $src)) (local.get $wv))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst)
          (f32.add (f32.load (local.get $dst)) (f32.mul (f32.load (local.get $src)) (local.get $w))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $tail))))

  ;; out[p] = sum over c of weights[c, p] * table[ids[c, p]], corners in order (out [n, cols], ids and weights [k, n]).
  (func (export "weightedGather")
      (param $table i32) (param $ids i32) (param $weights i32) (param $out i32)
      (param $k i32) (param $n i32) (param $cols i32)
    (local $rowBytes i32) (local $p i32) (local $c i32) (local $q i32) (local $dst i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $pointsDone
      (loop $points
        (br_if $pointsDone (i32.ge_u (local.get $p) (local.get $n)))
        (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $rowBytes))))
        (local.set $c (i32.const 0))
        ;; q: byte offset of [c, p] in ids and weights
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (block $cornersDone
          (loop $corners
            (br_if $cornersDone (i32.ge_u (local.get $c) (local.get $k)))
            (call $addScaledRow (local.get $dst)
              (i32.add (local.get $table)
                (i32.mul (i32.load (i32.add (local.get $ids) (local.get $q))) (local.get $rowBytes)))
              (f32.load (i32.add (local.get $weights) (local.get $q)))
              (local.get $cols))
            (local.set $q (i32.add (local.get $q) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $corners)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $points))))

  ;; out [tableRows, cols] = 0, then out[ids[c, p]] += weights[c, p] * rows[p] for c, then p, in order.
  (func (export "weightedScatter")
      (param $rows i32) (param $ids i32) (param $weights i32) (param $out i32)
      (param $k i32) (param $n i32) (param $cols i32) (param $tableRows i32)
    (local $rowBytes i32) (local $i i32) (local $count i32) (local $p i32) (local $q i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $tableRows) (local.get $rowBytes)))
    (local.set $count (i32.mul (local.get $k) (local.get $n)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $q (i32.shl (local.get $i) (i32.const 2)))
        (call $addScaledRow
          (i32.add (local.get $out)
            (i32.mul (i32.load (i32.add (local.get $ids) (local.get $q))) (local.get $rowBytes)))
          (i32.add (local.get $rows) (i32.mul (local.get $p) (local.get $rowBytes)))
          (f32.load (i32.add (local.get $weights) (local.get $q)))
          (local.get $cols))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.eq (local.get $p) (local.get $n)) (then (local.set $p (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))

  ;; out[c, p] = table[ids[c, p]] . rows[p], channels added in order (out and ids [k, n], rows [n, cols]). Four
  ;; corners of a point share a vector, one lane each, so each keeps its own sequential sum.
  (func (export "weightedRowDot")
      (param $table i32) (param $ids i32) (param $rows i32) (param $out i32)
      (param $k i32) (param $n i32) (param $cols i32)
    (local $rowBytes i32) (local $nBytes i32) (local $p i32) (local $c i32) (local $q i32) (local $j i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $v i32) (local $s v128)
    (local $sum f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $pointsDone
      (loop $points
        (br_if $pointsDone (i32.ge_u (local.get $p) (local.get $n)))
        (local.set $c (i32.const 0))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $k)))
            (local.set $a0 (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids) (local.get $q))) (local.get $rowBytes))))
            (local.set $a1 (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids) (i32.add (local.get $q) (local.get $nBytes))))
                (local.get $rowBytes))))
            (local.set $a2 (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids)
                  (i32.add (local.get $q) (i32.shl (local.get $nBytes) (i32.const 1)))))
                (local.get $rowBytes))))
            (local.set $a3 (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids)
                  (i32.add (local.get $q) (i32.mul (local.get $nBytes) (i32.const 3)))))
                (local.get $rowBytes))))
            (local.set $v (i32.add (local.get $rows) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $s (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $channelsDone
              (loop $channels
                (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $s (f32x4.add (local.get $s)
                  (f32x4.mul
                    (v128.load32_lane 3 (i32.add (local.get $a3) (local.get $j))
                      (v128.load32_lane 2 (i32.add (local.get $a2) (local.get $j))
                        (v128.load32_lane 1 (i32.add (local.get $a1) (local.get $j))
                          (v128.load32_zero (i32.add (local.get $a0) (local.get $j))))))
                    (v128.load32_splat (i32.add (local.get $v) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $channels)))
            (f32.store (i32.add (local.get $out) (local.get $q)) (f32x4.extract_lane 0 (local.get $s)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $q) (local.get $nBytes)))
              (f32x4.extract_lane 1 (local.get $s)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $q) (i32.shl (local.get $nBytes) (i32.const 1))))
              (f32x4.extract_lane 2 (local.get $s)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $q) (i32.mul (local.get $nBytes) (i32.const 3))))
              (f32x4.extract_lane 3 (local.get $s)))
            (local.set $q (i32.add (local.get $q) (i32.shl (local.get $nBytes) (i32.const 2))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $quads)))
        ;; the corners left over when k is not a multiple of four, one at a time
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $a0 (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids) (local.get $q))) (local.get $rowBytes))))
            (local.set $v (i32.add (local.get $rows) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $sum (f32.const 0))
            (local.set $j (i32.const 0))
            (block $channelsDone
              (loop $channels
                (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $sum (f32.add (local.get $sum)
                  (f32.mul (f32.load (i32.add (local.get $a0) (local.get $j)))
                    (f32.load (i32.add (local.get $v) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $channels)))
            (f32.store (i32.add (local.get $out) (local.get $q)) (local.get $sum))
            (local.set $q (i32.add (local.get $q) (local.get $nBytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $rest)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $points))))
)
