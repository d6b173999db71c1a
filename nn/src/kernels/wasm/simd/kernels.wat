;; Our float32 kernels in WebAssembly SIMD, run on tfjs-backend-wasm's own heap (its memory is imported), so they
;; read and write tensors in place. Every pointer is a byte offset into that heap; shapes are in elements.
;;
;; Each sum adds in float32, product by product, in the order the JavaScript loops and XNNPACK's kernels they replace
;; add (f32x4 lanes are four independent such sums), so their results are the same bit for bit.
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

  ;; The index of the first of `count` int32 values at `ids` outside [0, rows), or -1.
  (func (export "firstOutside") (param $ids i32) (param $count i32) (param $rows i32) (result i32)
    (local $i i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if (i32.ge_u (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rows))
          (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.const -1))

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

  ;; out [m, n] = a^T b for a [rows, m] and b [rows, n], n a multiple of 4: each output a sum over the rows in order,
  ;; as XNNPACK's matmul adds along its inner axis. Four outputs of a column of out share a pass over a block of rows,
  ;; each its own accumulator (four add chains in flight), and the blocks are short enough to stay in cache while
  ;; every column of out passes over them.
  (func (export "matmulTransposedA")
      (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $m i32) (param $n i32)
    (local $aRow i32) (local $bRow i32) (local $r0 i32) (local $rEnd i32) (local $j i32) (local $i i32)
    (local $o i32) (local $pa i32) (local $pb i32) (local $pEnd i32)
    (local $bj v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $aRow (i32.shl (local.get $m) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $m) (local.get $bRow)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (i32.add (local.get $r0) (i32.const 256)))
        (if (i32.gt_u (local.get $rEnd) (local.get $rows)) (then (local.set $rEnd (local.get $rows))))
        (local.set $j (i32.const 0))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $bRow)))
            (local.set $pEnd (i32.add (i32.add (local.get $b) (i32.mul (local.get $rEnd) (local.get $bRow))) (local.get $j)))
            (local.set $i (i32.const 0))
            (block $quadsDone
              (loop $quads
                (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
                (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $bRow)) (local.get $j))))
                (local.set $acc0 (v128.load (local.get $o)))
                (local.set $acc1 (v128.load (i32.add (local.get $o) (local.get $bRow))))
                (local.set $acc2 (v128.load (i32.add (local.get $o) (i32.shl (local.get $bRow) (i32.const 1)))))
                (local.set $acc3 (v128.load (i32.add (local.get $o) (i32.mul (local.get $bRow) (i32.const 3)))))
                (local.set $pa (i32.add (local.get $a)
                  (i32.add (i32.mul (local.get $r0) (local.get $aRow)) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $pb (i32.add (local.get $b) (i32.add (i32.mul (local.get $r0) (local.get $bRow)) (local.get $j))))
                (block $rowsDone
                  (loop $rowsLoop
                    (br_if $rowsDone (i32.ge_u (local.get $pb) (local.get $pEnd)))
                    (local.set $bj (v128.load (local.get $pb)))
                    (local.set $acc0 (f32x4.add (local.get $acc0)
                      (f32x4.mul (v128.load32_splat (local.get $pa)) (local.get $bj))))
                    (local.set $acc1 (f32x4.add (local.get $acc1)
                      (f32x4.mul (v128.load32_splat offset=4 (local.get $pa)) (local.get $bj))))
                    (local.set $acc2 (f32x4.add (local.get $acc2)
                      (f32x4.mul (v128.load32_splat offset=8 (local.get $pa)) (local.get $bj))))
                    (local.set $acc3 (f32x4.add (local.get $acc3)
                      (f32x4.mul (v128.load32_splat offset=12 (local.get $pa)) (local.get $bj))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
                    (br $rowsLoop)))
                (v128.store (local.get $o) (local.get $acc0))
                (v128.store (i32.add (local.get $o) (local.get $bRow)) (local.get $acc1))
                (v128.store (i32.add (local.get $o) (i32.shl (local.get $bRow) (i32.const 1))) (local.get $acc2))
                (v128.store (i32.add (local.get $o) (i32.mul (local.get $bRow) (i32.const 3))) (local.get $acc3))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $quads)))
            ;; the outputs left over when m is not a multiple of four, one at a time
            (block $restDone
              (loop $rest
                (br_if $restDone (i32.ge_u (local.get $i) (local.get $m)))
                (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $bRow)) (local.get $j))))
                (local.set $acc0 (v128.load (local.get $o)))
                (local.set $pa (i32.add (local.get $a)
                  (i32.add (i32.mul (local.get $r0) (local.get $aRow)) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $pb (i32.add (local.get $b) (i32.add (i32.mul (local.get $r0) (local.get $bRow)) (local.get $j))))
                (block $rowsDone
                  (loop $rowsLoop
                    (br_if $rowsDone (i32.ge_u (local.get $pb) (local.get $pEnd)))
                    (local.set $acc0 (f32x4.add (local.get $acc0)
                      (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
                    (br $rowsLoop)))
                (v128.store (local.get $o) (local.get $acc0))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $rest)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $columns)))
        (local.set $r0 (local.get $rEnd))
        (br $blocks))))

  ;; dst [inner] = column sums of src [rows, inner], rows added in order. Sixteen columns at a time in four
  ;; accumulators (four add chains in flight), then four, then one.
  (func (export "sumRows") (param $src i32) (param $dst i32) (param $rows i32) (param $inner i32)
    (local $rowBytes i32) (local $j i32) (local $p i32) (local $end i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s f32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (block $sixteensDone
      (loop $sixteens
        (br_if $sixteensDone (i32.gt_u (i32.add (local.get $j) (i32.const 64)) (local.get $rowBytes)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0))
        (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $src) (local.get $j)))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
            (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
            (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
            (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rowsLoop)))
        (v128.store (i32.add (local.get $dst) (local.get $j)) (local.get $s0))
        (v128.store offset=16 (i32.add (local.get $dst) (local.get $j)) (local.get $s1))
        (v128.store offset=32 (i32.add (local.get $dst) (local.get $j)) (local.get $s2))
        (v128.store offset=48 (i32.add (local.get $dst) (local.get $j)) (local.get $s3))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $sixteens)))
    (block $foursDone
      (loop $fours
        (br_if $foursDone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $rowBytes)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $src) (local.get $j)))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rowsLoop)))
        (v128.store (i32.add (local.get $dst) (local.get $j)) (local.get $s0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $fours)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $s (f32.const 0))
        (local.set $p (i32.add (local.get $src) (local.get $j)))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rowsLoop)))
        (f32.store (i32.add (local.get $dst) (local.get $j)) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $ones))))

  ;; out [rows, inner] = a [rows, inner] + b [inner], b added to every row (a bias).
  (func (export "addRowVector") (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $inner i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $end i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $end (i32.add (local.get $out) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $j (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $out) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $a) (local.get $j))) (v128.load (i32.add (local.get $b) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $a) (local.get $j))) (f32.load (i32.add (local.get $b) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (br $rowsLoop))))
)
