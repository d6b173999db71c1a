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
  ;; as XNNPACK's matmul adds along its inner axis. Rows go in blocks short enough that a block's four columns of a
  ;; and its rows of b stay in cache while every four-wide column of out passes over them, four outputs of a column
  ;; each in its own accumulator (four add chains in flight).
  (func (export "matmulTransposedA")
      (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $m i32) (param $n i32)
    (local $aRow i32) (local $bRow i32) (local $r0 i32) (local $rEnd i32) (local $j i32) (local $i i32)
    (local $o i32) (local $pa i32) (local $pb i32) (local $pEnd i32) (local $aStart i32) (local $bStart i32)
    (local $bj v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $aRow (i32.shl (local.get $m) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $m) (local.get $bRow)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (i32.add (local.get $r0) (i32.const 256)))
        (if (i32.gt_u (local.get $rEnd) (local.get $rows)) (then (local.set $rEnd (local.get $rows))))
        (local.set $bStart (i32.add (local.get $b) (i32.mul (local.get $r0) (local.get $bRow))))
        (local.set $i (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $aStart (i32.add (local.get $a)
              (i32.add (i32.mul (local.get $r0) (local.get $aRow)) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (i32.const 0))
            (block $columnsDone
              (loop $columns
                (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $bRow)))
                (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $bRow)) (local.get $j))))
                (local.set $acc0 (v128.load (local.get $o)))
                (local.set $acc1 (v128.load (i32.add (local.get $o) (local.get $bRow))))
                (local.set $acc2 (v128.load (i32.add (local.get $o) (i32.shl (local.get $bRow) (i32.const 1)))))
                (local.set $acc3 (v128.load (i32.add (local.get $o) (i32.mul (local.get $bRow) (i32.const 3)))))
                (local.set $pa (local.get $aStart))
                (local.set $pb (i32.add (local.get $bStart) (local.get $j)))
                (local.set $pEnd (i32.add (i32.add (local.get $b) (i32.mul (local.get $rEnd) (local.get $bRow))) (local.get $j)))
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
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $columns)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        ;; the outputs left over when m is not a multiple of four, one at a time
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $aStart (i32.add (local.get $a)
              (i32.add (i32.mul (local.get $r0) (local.get $aRow)) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (i32.const 0))
            (block $columnsDone
              (loop $columns
                (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $bRow)))
                (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $bRow)) (local.get $j))))
                (local.set $acc0 (v128.load (local.get $o)))
                (local.set $pa (local.get $aStart))
                (local.set $pb (i32.add (local.get $bStart) (local.get $j)))
                (local.set $pEnd (i32.add (i32.add (local.get $b) (i32.mul (local.get $rEnd) (local.get $bRow))) (local.get $j)))
                (block $rowsDone
                  (loop $rowsLoop
                    (br_if $rowsDone (i32.ge_u (local.get $pb) (local.get $pEnd)))
                    (local.set $acc0 (f32x4.add (local.get $acc0)
                      (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
                    (br $rowsLoop)))
                (v128.store (local.get $o) (local.get $acc0))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $columns)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rest)))
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

  ;; Softplus as tfjs-backend-wasm computes it (its Softplus.cc): expf(x) below a threshold, x above minus it, else
  ;; log(1 + expf(x)) in double precision rounded to float32. expf is musl's (ARM's optimized routine, which
  ;; emscripten's libc builds: a 32-entry table of 2^(i/32) and a cubic, in double precision), the same bits. The
  ;; log is fdlibm's (V8's Math.log) where the backend's is musl's: both within an ulp of the double result, so the
  ;; float32 they round to differs only when that result lies within an ulp of a float32 rounding boundary, about
  ;; one value in 2^29 (none of 8M swept values does; tested).
  (global $expTable (mut i32) (i32.const 0))

  ;; Writes expf's table, as raw binary64 words minus i << 47 (musl's exp2f_data.c), to 256 bytes at `at` of the
  ;; backend's heap, allocated by the caller for the life of the module.
  (func (export "initTables") (param $at i32)
    (i64.store offset=0 (local.get $at) (i64.const 0x3ff0000000000000))
    (i64.store offset=8 (local.get $at) (i64.const 0x3fefd9b0d3158574))
    (i64.store offset=16 (local.get $at) (i64.const 0x3fefb5586cf9890f))
    (i64.store offset=24 (local.get $at) (i64.const 0x3fef9301d0125b51))
    (i64.store offset=32 (local.get $at) (i64.const 0x3fef72b83c7d517b))
    (i64.store offset=40 (local.get $at) (i64.const 0x3fef54873168b9aa))
    (i64.store offset=48 (local.get $at) (i64.const 0x3fef387a6e756238))
    (i64.store offset=56 (local.get $at) (i64.const 0x3fef1e9df51fdee1))
    (i64.store offset=64 (local.get $at) (i64.const 0x3fef06fe0a31b715))
    (i64.store offset=72 (local.get $at) (i64.const 0x3feef1a7373aa9cb))
    (i64.store offset=80 (local.get $at) (i64.const 0x3feedea64c123422))
    (i64.store offset=88 (local.get $at) (i64.const 0x3feece086061892d))
    (i64.store offset=96 (local.get $at) (i64.const 0x3feebfdad5362a27))
    (i64.store offset=104 (local.get $at) (i64.const 0x3feeb42b569d4f82))
    (i64.store offset=112 (local.get $at) (i64.const 0x3feeab07dd485429))
    (i64.store offset=120 (local.get $at) (i64.const 0x3feea47eb03a5585))
    (i64.store offset=128 (local.get $at) (i64.const 0x3feea09e667f3bcd))
    (i64.store offset=136 (local.get $at) (i64.const 0x3fee9f75e8ec5f74))
    (i64.store offset=144 (local.get $at) (i64.const 0x3feea11473eb0187))
    (i64.store offset=152 (local.get $at) (i64.const 0x3feea589994cce13))
    (i64.store offset=160 (local.get $at) (i64.const 0x3feeace5422aa0db))
    (i64.store offset=168 (local.get $at) (i64.const 0x3feeb737b0cdc5e5))
    (i64.store offset=176 (local.get $at) (i64.const 0x3feec49182a3f090))
    (i64.store offset=184 (local.get $at) (i64.const 0x3feed503b23e255d))
    (i64.store offset=192 (local.get $at) (i64.const 0x3feee89f995ad3ad))
    (i64.store offset=200 (local.get $at) (i64.const 0x3feeff76f2fb5e47))
    (i64.store offset=208 (local.get $at) (i64.const 0x3fef199bdd85529c))
    (i64.store offset=216 (local.get $at) (i64.const 0x3fef3720dcef9069))
    (i64.store offset=224 (local.get $at) (i64.const 0x3fef5818dcfba487))
    (i64.store offset=232 (local.get $at) (i64.const 0x3fef7c97337b9b5f))
    (i64.store offset=240 (local.get $at) (i64.const 0x3fefa4afa2a490da))
    (i64.store offset=248 (local.get $at) (i64.const 0x3fefd0765b6e4540))
    (global.set $expTable (local.get $at)))

  (func $expf (param $x f32) (result f32)
    (local $z f64) (local $kd f64) (local $ki i64) (local $r f64) (local $s f64) (local $y f64)
    (if (f32.ne (local.get $x) (local.get $x)) (then (return (f32.add (local.get $x) (local.get $x)))))
    ;; below log(2^-150) the result underflows to zero
    (if (f32.lt (local.get $x) (f32.const -0x1.9fe368p6)) (then (return (f32.const 0))))
    ;; x 32 / ln 2 = k + r, k an integer (rounded by the 1.5 * 2^52 shift) and |r| <= 1/2
    (local.set $z (f64.mul (f64.const 0x1.71547652b82fep+5) (f64.promote_f32 (local.get $x))))
    (local.set $kd (f64.add (local.get $z) (f64.const 0x1.8p+52)))
    (local.set $ki (i64.reinterpret_f64 (local.get $kd)))
    (local.set $kd (f64.sub (local.get $kd) (f64.const 0x1.8p+52)))
    (local.set $r (f64.sub (local.get $z) (local.get $kd)))
    ;; s = 2^(k/32): the table's entry for k mod 32 with k's whole part added to its exponent
    (local.set $s (f64.reinterpret_i64 (i64.add
      (i64.load (i32.add (global.get $expTable) (i32.shl (i32.and (i32.wrap_i64 (local.get $ki)) (i32.const 31)) (i32.const 3))))
      (i64.shl (local.get $ki) (i64.const 47)))))
    (local.set $y (f64.add (f64.mul (f64.const 0x1.62e42ff0c52d6p-6) (local.get $r)) (f64.const 1)))
    (local.set $y (f64.add
      (f64.mul
        (f64.add (f64.mul (f64.const 0x1.c6af84b912394p-20) (local.get $r)) (f64.const 0x1.ebfce50fac4f3p-13))
        (f64.mul (local.get $r) (local.get $r)))
      (local.get $y)))
    (f32.demote_f64 (f64.mul (local.get $y) (local.get $s))))

  ;; fdlibm's __ieee754_log for a finite x >= 1: x = 2^k (1 + f), log(1 + f) from s = f / (2 + f) and a polynomial.
  (func $logAtLeastOne (param $x f64) (result f64)
    (local $bits i64) (local $hx i32) (local $k i32) (local $i i32) (local $f f64) (local $dk f64) (local $s f64)
    (local $z f64) (local $w f64) (local $r f64) (local $hfsq f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
    (local.set $k (i32.sub (i32.shr_s (local.get $hx) (i32.const 20)) (i32.const 1023)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0xfffff)))
    ;; normalise x or x/2 into [sqrt(2)/2, sqrt(2))
    (local.set $i (i32.and (i32.add (local.get $hx) (i32.const 0x95f64)) (i32.const 0x100000)))
    (local.set $x (f64.reinterpret_i64 (i64.or
      (i64.shl (i64.extend_i32_u (i32.or (local.get $hx) (i32.xor (local.get $i) (i32.const 0x3ff00000)))) (i64.const 32))
      (i64.and (local.get $bits) (i64.const 0xffffffff)))))
    (local.set $k (i32.add (local.get $k) (i32.shr_s (local.get $i) (i32.const 20))))
    (local.set $f (f64.sub (local.get $x) (f64.const 1)))
    (local.set $dk (f64.convert_i32_s (local.get $k)))
    (if (i32.lt_s (i32.and (i32.add (local.get $hx) (i32.const 2)) (i32.const 0xfffff)) (i32.const 3))
      (then
        ;; |f| < 2^-20
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
            (return (f64.add (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
              (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))))))
        (local.set $r (f64.mul (f64.mul (local.get $f) (local.get $f))
          (f64.sub (f64.const 0.5) (f64.mul (f64.const 0x1.5555555555555p-2) (local.get $f)))))
        (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $r)))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
          (f64.sub (f64.sub (local.get $r) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))) (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    ;; R = t2 + t1, fdlibm's two halves of the polynomial in z = s^2
    (local.set $r (f64.add
      (f64.mul (local.get $z)
        (f64.add (f64.const 0x1.5555555555593p-1) (f64.mul (local.get $w)
          (f64.add (f64.const 0x1.2492494229359p-2) (f64.mul (local.get $w)
            (f64.add (f64.const 0x1.7466496cb03dep-3) (f64.mul (local.get $w) (f64.const 0x1.2f112df3e5244p-3))))))))
      (f64.mul (local.get $w)
        (f64.add (f64.const 0x1.999999997fa04p-2) (f64.mul (local.get $w)
          (f64.add (f64.const 0x1.c71c51d8e78afp-3) (f64.mul (local.get $w) (f64.const 0x1.39a09d078c69fp-3))))))))
    (if (i32.gt_s (i32.or (i32.sub (local.get $hx) (i32.const 0x6147a)) (i32.sub (i32.const 0x6b851) (local.get $hx)))
          (i32.const 0))
      (then
        (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
        (if (i32.eqz (local.get $k))
          (then (return (f64.sub (local.get $f)
            (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r))))))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
          (f64.sub
            (f64.sub (local.get $hfsq)
              (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r)))
                (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))))
            (local.get $f))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f) (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r)))))))
    (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
      (f64.sub
        (f64.sub (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r)))
          (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33)))
        (local.get $f))))

  ;; $expf on both lanes, with no special cases (the caller masks lanes below -0x1.9fe368p6 and NaNs), rounded to
  ;; float32 as $expf rounds and widened back.
  (func $expf2 (param $x v128) (result v128)
    (local $z v128) (local $kd v128) (local $ki v128) (local $r v128) (local $s v128) (local $y v128)
    (local.set $z (f64x2.mul (f64x2.splat (f64.const 0x1.71547652b82fep+5)) (local.get $x)))
    (local.set $kd (f64x2.add (local.get $z) (f64x2.splat (f64.const 0x1.8p+52))))
    (local.set $ki (local.get $kd))
    (local.set $kd (f64x2.sub (local.get $kd) (f64x2.splat (f64.const 0x1.8p+52))))
    (local.set $r (f64x2.sub (local.get $z) (local.get $kd)))
    (local.set $s (i64x2.add
      (i64x2.replace_lane 1
        (i64x2.splat (i64.load (i32.add (global.get $expTable)
          (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $ki))) (i32.const 31)) (i32.const 3)))))
        (i64.load (i32.add (global.get $expTable)
          (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $ki))) (i32.const 31)) (i32.const 3)))))
      (i64x2.shl (local.get $ki) (i32.const 47))))
    (local.set $y (f64x2.add (f64x2.mul (f64x2.splat (f64.const 0x1.62e42ff0c52d6p-6)) (local.get $r))
      (f64x2.splat (f64.const 1))))
    (local.set $y (f64x2.add
      (f64x2.mul
        (f64x2.add (f64x2.mul (f64x2.splat (f64.const 0x1.c6af84b912394p-20)) (local.get $r))
          (f64x2.splat (f64.const 0x1.ebfce50fac4f3p-13)))
        (f64x2.mul (local.get $r) (local.get $r)))
      (local.get $y)))
    (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $y) (local.get $s)))))

  ;; $logAtLeastOne on both lanes, its branches computed and selected. Its k = 0 forms are left out: with k = 0 the
  ;; general forms give the same bits (0 - (a - f) is f - a) whenever the result is not zero, and it is zero only
  ;; at x = 1, where both give +0.
  (func $log2x (param $x v128) (result v128)
    (local $bits v128) (local $hx v128) (local $k v128) (local $i v128) (local $f v128) (local $dk v128)
    (local $s v128) (local $z v128) (local $w v128) (local $r v128) (local $hfsq v128) (local $small v128)
    (local $a v128) (local $b v128)
    (local.set $bits (local.get $x))
    (local.set $hx (i64x2.shr_u (local.get $bits) (i32.const 32)))
    (local.set $k (i64x2.sub (i64x2.shr_u (local.get $hx) (i32.const 20)) (i64x2.splat (i64.const 1023))))
    (local.set $hx (v128.and (local.get $hx) (i64x2.splat (i64.const 0xfffff))))
    (local.set $i (v128.and (i64x2.add (local.get $hx) (i64x2.splat (i64.const 0x95f64)))
      (i64x2.splat (i64.const 0x100000))))
    (local.set $x (v128.or
      (i64x2.shl (v128.or (local.get $hx) (v128.xor (local.get $i) (i64x2.splat (i64.const 0x3ff00000))))
        (i32.const 32))
      (v128.and (local.get $bits) (i64x2.splat (i64.const 0xffffffff)))))
    (local.set $k (i64x2.add (local.get $k) (i64x2.shr_u (local.get $i) (i32.const 20))))
    (local.set $f (f64x2.sub (local.get $x) (f64x2.splat (f64.const 1))))
    ;; k's low words (i32 lanes 0 and 2) to lanes 0 and 1, then to double
    (local.set $dk (f64x2.convert_low_i32x4_s
      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))
    (local.set $small (i64x2.lt_s (v128.and (i64x2.add (local.get $hx) (i64x2.splat (i64.const 2)))
      (i64x2.splat (i64.const 0xfffff))) (i64x2.splat (i64.const 3))))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (f64x2.splat (f64.const 2)) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $r (f64x2.add
      (f64x2.mul (local.get $z)
        (f64x2.add (f64x2.splat (f64.const 0x1.5555555555593p-1)) (f64x2.mul (local.get $w)
          (f64x2.add (f64x2.splat (f64.const 0x1.2492494229359p-2)) (f64x2.mul (local.get $w)
            (f64x2.add (f64x2.splat (f64.const 0x1.7466496cb03dep-3))
              (f64x2.mul (local.get $w) (f64x2.splat (f64.const 0x1.2f112df3e5244p-3)))))))))
      (f64x2.mul (local.get $w)
        (f64x2.add (f64x2.splat (f64.const 0x1.999999997fa04p-2)) (f64x2.mul (local.get $w)
          (f64x2.add (f64x2.splat (f64.const 0x1.c71c51d8e78afp-3))
            (f64x2.mul (local.get $w) (f64x2.splat (f64.const 0x1.39a09d078c69fp-3)))))))))
    (local.set $hfsq (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $f)) (local.get $f)))
    ;; fdlibm's i > 0 form
    (local.set $a (f64x2.sub (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.62e42feep-1)))
      (f64x2.sub
        (f64x2.sub (local.get $hfsq)
          (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $r)))
            (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33)))))
        (local.get $f))))
    ;; and its other form
    (local.set $b (f64x2.sub (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.62e42feep-1)))
      (f64x2.sub
        (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $r)))
          (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33))))
        (local.get $f))))
    (local.set $a (v128.bitselect (local.get $a) (local.get $b)
      (i64x2.gt_s
        (v128.or (i64x2.sub (local.get $hx) (i64x2.splat (i64.const 0x6147a)))
          (i64x2.sub (i64x2.splat (i64.const 0x6b851)) (local.get $hx)))
        (i64x2.splat (i64.const 0)))))
    ;; |f| < 2^-20: f - f^2 (1/2 - f/3), in its general form
    (local.set $r (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
      (f64x2.sub (f64x2.splat (f64.const 0.5)) (f64x2.mul (f64x2.splat (f64.const 0x1.5555555555555p-2)) (local.get $f)))))
    (local.set $b (f64x2.sub (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.62e42feep-1)))
      (f64x2.sub (f64x2.sub (local.get $r) (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33))))
        (local.get $f))))
    (v128.bitselect (local.get $b) (local.get $a) (local.get $small)))

  ;; softplus of one float32, as tfjs-backend-wasm's SoftplusImpl
  (func $softplus (param $v f32) (result f32)
    (if (result f32) (f32.lt (local.get $v) (f32.const -0x1.be2804p+3))
      (then (call $expf (local.get $v)))
      (else
        (if (result f32) (f32.gt (local.get $v) (f32.const 0x1.be2804p+3))
          (then (local.get $v))
          (else
            (if (result f32) (f32.ne (local.get $v) (local.get $v))
              (then (local.get $v))
              (else (f32.demote_f64 (call $logAtLeastOne
                (f64.add (f64.const 1) (f64.promote_f32 (call $expf (local.get $v)))))))))))))

  ;; out[i] = softplus(x[i]) for `count` float32 values: four at a time as two pairs of doubles, each branch some
  ;; lane needs computed and the lane's own selected; the last count mod 4 one at a time.
  (func (export "softplus") (param $x i32) (param $out i32) (param $count i32)
    (local $end i32) (local $quadsEnd i32) (local $v v128) (local $lo v128) (local $hi v128) (local $e v128)
    (local $low v128) (local $mid v128) (local $result v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $quadsEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $x) (local.get $quadsEnd)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $result (local.get $v))
        (local.set $low (f32x4.lt (local.get $v) (f32x4.splat (f32.const -0x1.be2804p+3))))
        ;; neither beyond a threshold nor NaN
        (local.set $mid (v128.and (f32x4.eq (local.get $v) (local.get $v))
          (v128.andnot (v128.not (local.get $low)) (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0x1.be2804p+3))))))
        ;; Lanes beyond the thresholds need no log, nor any maths above minus the threshold (the SDF field's
        ;; softplus(100 x) / 100 puts most values there), so vectors that are all such skip them.
        (if (v128.any_true (v128.or (local.get $low) (local.get $mid)))
          (then
            (local.set $lo (call $expf2 (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $hi (call $expf2 (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $e (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
            ;; expf underflows to zero below log(2^-150)
            (local.set $e (v128.andnot (local.get $e)
              (f32x4.lt (local.get $v) (f32x4.splat (f32.const -0x1.9fe368p6)))))
            (local.set $result (v128.bitselect (local.get $e) (local.get $result) (local.get $low)))
            (if (v128.any_true (local.get $mid))
              (then
                (local.set $result (v128.bitselect
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (call $log2x (f64x2.add (f64x2.splat (f64.const 1)) (local.get $lo))))
                    (f32x4.demote_f64x2_zero (call $log2x (f64x2.add (f64x2.splat (f64.const 1)) (local.get $hi)))))
                  (local.get $result) (local.get $mid)))))))
        (v128.store (local.get $out) (local.get $result))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $quads)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (f32.store (local.get $out) (call $softplus (f32.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $each))))

  ;; The input gradient of a 2-D convolution, NHWC: dx[b, xr, xc, d1] = sum over the output pixels (yr, yc) whose
  ;; window holds (xr, xc), rows then columns ascending, of sum over d2 ascending of dy[b, yr, yc, d2] times the tap's
  ;; weight, added one product at a time from 0, as tfjs-backend-wasm's Conv2DBackpropInput adds. `filter` is laid
  ;; out [fh, fw, outC, inC] (input channels last, so four of them share a vector); inC is a multiple of 4. The taps
  ;; of (xr, xc) from output pixel (yr, yc) are kh = xr + padTop - yr sH, kw = xc + padLeft - yc sW.
  (func (export "conv2dBackpropInput")
      (param $dy i32) (param $filter i32) (param $out i32) (param $batch i32) (param $inH i32) (param $inW i32)
      (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32) (param $fh i32) (param $fw i32)
      (param $sH i32) (param $sW i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $xr i32) (local $xc i32) (local $d1 i32) (local $inBytes i32)
    (local $yr0 i32) (local $yr1 i32) (local $yc0 i32) (local $yc1 i32) (local $yr i32) (local $yc i32)
    (local $pd i32) (local $pdEnd i32) (local $pf i32) (local $tapBytes i32) (local $t i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $dv v128)
    (local.set $inBytes (i32.shl (local.get $inC) (i32.const 2)))
    ;; bytes of one tap's [outC, inC] block of the filter
    (local.set $tapBytes (i32.mul (local.get $outC) (local.get $inBytes)))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $xr (i32.const 0))
      (block $rowsDone (loop $rowsLoop
        (br_if $rowsDone (i32.ge_s (local.get $xr) (local.get $inH)))
        ;; output rows whose window holds xr: 0 <= kh = xr + padTop - yr sH < fh
        (local.set $t (i32.add (local.get $xr) (local.get $padTop)))
        (local.set $yr0 (call $ceilDiv (i32.add (i32.sub (local.get $t) (local.get $fh)) (i32.const 1)) (local.get $sH)))
        (if (i32.lt_s (local.get $yr0) (i32.const 0)) (then (local.set $yr0 (i32.const 0))))
        (local.set $yr1 (i32.add (call $floorDiv (local.get $t) (local.get $sH)) (i32.const 1)))
        (if (i32.gt_s (local.get $yr1) (local.get $outH)) (then (local.set $yr1 (local.get $outH))))
        (local.set $xc (i32.const 0))
        (block $colsDone (loop $colsLoop
          (br_if $colsDone (i32.ge_s (local.get $xc) (local.get $inW)))
          (local.set $t (i32.add (local.get $xc) (local.get $padLeft)))
          (local.set $yc0 (call $ceilDiv (i32.add (i32.sub (local.get $t) (local.get $fw)) (i32.const 1)) (local.get $sW)))
          (if (i32.lt_s (local.get $yc0) (i32.const 0)) (then (local.set $yc0 (i32.const 0))))
          (local.set $yc1 (i32.add (call $floorDiv (local.get $t) (local.get $sW)) (i32.const 1)))
          (if (i32.gt_s (local.get $yc1) (local.get $outW)) (then (local.set $yc1 (local.get $outW))))
          ;; sixteen input channels at a time, then four
          (local.set $d1 (i32.const 0))
          (block $channelsDone (loop $channels
            (br_if $channelsDone (i32.ge_u (local.get $d1) (local.get $inBytes)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0))
            (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $yr (local.get $yr0))
            (block $yrDone (loop $yrLoop
              (br_if $yrDone (i32.ge_s (local.get $yr) (local.get $yr1)))
              (local.set $yc (local.get $yc0))
              (block $ycDone (loop $ycLoop
                (br_if $ycDone (i32.ge_s (local.get $yc) (local.get $yc1)))
                (local.set $pd (i32.add (local.get $dy) (i32.shl (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $yr)) (local.get $outW))
                    (local.get $yc))
                  (local.get $outC)) (i32.const 2))))
                (local.set $pdEnd (i32.add (local.get $pd) (i32.shl (local.get $outC) (i32.const 2))))
                ;; the tap (kh, kw)'s block, at input channel d1
                (local.set $pf (i32.add (i32.add (local.get $filter) (local.get $d1)) (i32.mul (local.get $tapBytes)
                  (i32.add
                    (i32.mul
                      (i32.sub (i32.add (local.get $xr) (local.get $padTop)) (i32.mul (local.get $yr) (local.get $sH)))
                      (local.get $fw))
                    (i32.sub (i32.add (local.get $xc) (local.get $padLeft)) (i32.mul (local.get $yc) (local.get $sW)))))))
                (if (i32.le_u (i32.add (local.get $d1) (i32.const 64)) (local.get $inBytes))
                  (then
                    (block $d2Done (loop $d2Loop
                      (br_if $d2Done (i32.ge_u (local.get $pd) (local.get $pdEnd)))
                      (local.set $dv (v128.load32_splat (local.get $pd)))
                      (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $dv) (v128.load (local.get $pf)))))
                      (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $dv) (v128.load offset=16 (local.get $pf)))))
                      (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $dv) (v128.load offset=32 (local.get $pf)))))
                      (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $dv) (v128.load offset=48 (local.get $pf)))))
                      (local.set $pd (i32.add (local.get $pd) (i32.const 4)))
                      (local.set $pf (i32.add (local.get $pf) (local.get $inBytes)))
                      (br $d2Loop))))
                  (else
                    (block $d2Done (loop $d2Loop
                      (br_if $d2Done (i32.ge_u (local.get $pd) (local.get $pdEnd)))
                      (local.set $acc0 (f32x4.add (local.get $acc0)
                        (f32x4.mul (v128.load32_splat (local.get $pd)) (v128.load (local.get $pf)))))
                      (local.set $pd (i32.add (local.get $pd) (i32.const 4)))
                      (local.set $pf (i32.add (local.get $pf) (local.get $inBytes)))
                      (br $d2Loop)))))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $ycLoop)))
              (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
              (br $yrLoop)))
            (v128.store (local.get $out) (local.get $acc0))
            (if (i32.le_u (i32.add (local.get $d1) (i32.const 64)) (local.get $inBytes))
              (then
                (v128.store offset=16 (local.get $out) (local.get $acc1))
                (v128.store offset=32 (local.get $out) (local.get $acc2))
                (v128.store offset=48 (local.get $out) (local.get $acc3))
                (local.set $out (i32.add (local.get $out) (i32.const 64)))
                (local.set $d1 (i32.add (local.get $d1) (i32.const 64))))
              (else
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (local.set $d1 (i32.add (local.get $d1) (i32.const 16)))))
            (br $channels)))
          (local.set $xc (i32.add (local.get $xc) (i32.const 1)))
          (br $colsLoop)))
        (local.set $xr (i32.add (local.get $xr) (i32.const 1)))
        (br $rowsLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchLoop))))

  ;; floor(a / d) and ceil(a / d) for d > 0 and any a
  (func $floorDiv (param $a i32) (param $d i32) (result i32)
    (local $q i32)
    (local.set $q (i32.div_s (local.get $a) (local.get $d)))
    (if (result i32) (i32.and (i32.lt_s (local.get $a) (i32.const 0)) (i32.ne (i32.mul (local.get $q) (local.get $d)) (local.get $a)))
      (then (i32.sub (local.get $q) (i32.const 1)))
      (else (local.get $q))))
  (func $ceilDiv (param $a i32) (param $d i32) (result i32)
    (i32.sub (i32.const 0) (call $floorDiv (i32.sub (i32.const 0) (local.get $a)) (local.get $d))))

  ;; Copies `count` runs of `run` bytes, the i-th from src + i srcStride to dst + i dstStride (tensors' slices,
  ;; concatenations and patches: runs of any element size, often a few values long, so no call per run).
  (func $copyRun (param $dst i32) (param $src i32) (param $run i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $run)))
    (block $vecDone (loop $vec
      (br_if $vecDone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
      (v128.store (local.get $dst) (v128.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $vec)))
    (block $wordsDone (loop $words
      (br_if $wordsDone (i32.gt_u (i32.add (local.get $dst) (i32.const 4)) (local.get $end)))
      (i32.store (local.get $dst) (i32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $words)))
    (block $bytesDone (loop $bytes
      (br_if $bytesDone (i32.ge_u (local.get $dst) (local.get $end)))
      (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (br $bytes))))

  (func (export "copyRuns")
      (param $dst i32) (param $dstStride i32) (param $src i32) (param $srcStride i32) (param $run i32) (param $count i32)
    (block $done (loop $each
      (br_if $done (i32.eqz (local.get $count)))
      (call $copyRun (local.get $dst) (local.get $src) (local.get $run))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $each))))

  ;; Row i of the table at dst = row ids[i] of the table at src, rows of `run` bytes, for `count` int32 ids.
  (func (export "copyRows") (param $dst i32) (param $src i32) (param $ids i32) (param $count i32) (param $run i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
      (call $copyRun (local.get $dst) (i32.add (local.get $src) (i32.mul (i32.load (local.get $ids)) (local.get $run)))
        (local.get $run))
      (local.set $dst (i32.add (local.get $dst) (local.get $run)))
      (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
      (br $each))))

  ;; out [segments, inner] = 0, then out[ids[i]] += x[i] for each i in order whose id is not negative (ids checked by
  ;; the caller); float32 sums when `integers` is 0, else int32 (wrapping, as Int32Array additions).
  (func (export "segmentSum")
      (param $x i32) (param $ids i32) (param $out i32) (param $count i32) (param $inner i32) (param $segments i32)
      (param $integers i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $end i32) (local $id i32) (local $dst i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $segments) (local.get $rowBytes)))
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
      (local.set $id (i32.load (local.get $ids)))
      (if (i32.ge_s (local.get $id) (i32.const 0))
        (then
          (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $id) (local.get $rowBytes))))
          (local.set $j (i32.const 0))
          (block $vecDone (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $dst) (local.get $j))
              (if (result v128) (local.get $integers)
                (then (i32x4.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                  (v128.load (i32.add (local.get $x) (local.get $j)))))
                (else (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                  (v128.load (i32.add (local.get $x) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
          (block $tailDone (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (if (local.get $integers)
              (then (i32.store (i32.add (local.get $dst) (local.get $j))
                (i32.add (i32.load (i32.add (local.get $dst) (local.get $j))) (i32.load (i32.add (local.get $x) (local.get $j))))))
              (else (f32.store (i32.add (local.get $dst) (local.get $j))
                (f32.add (f32.load (i32.add (local.get $dst) (local.get $j))) (f32.load (i32.add (local.get $x) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
      (br $each))))

  ;; One tap's column of a depthwise convolution's filter gradient: out[o] = sum over n, oh, ow (in that order) of
  ;; x[n, oh sH + rowShift, ow sW + colShift, o / mult] dy[n, oh, ow, o], products and sums in double precision
  ;; (in `acc`, outC doubles of scratch), then rounded to float32. Output rows and columns span [ohMin, ohEnd) and
  ;; [owMin, owEnd), the ones whose input lies inside. Channel pairs share a vector when mult is 1.
  (func (export "depthwiseFilterTap")
      (param $x i32) (param $dy i32) (param $acc i32) (param $out i32) (param $batch i32) (param $inH i32)
      (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $mult i32) (param $ohMin i32)
      (param $ohEnd i32) (param $owMin i32) (param $owEnd i32) (param $sH i32) (param $sW i32) (param $rowShift i32)
      (param $colShift i32)
    (local $outC i32) (local $n i32) (local $oh i32) (local $ow i32) (local $px i32) (local $pd i32) (local $c i32)
    (local $m i32) (local $pa i32) (local $xv f64)
    (local.set $outC (i32.mul (local.get $inC) (local.get $mult)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $outC) (i32.const 3)))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $oh (local.get $ohMin))
      (block $rowsDone (loop $rowsLoop
        (br_if $rowsDone (i32.ge_s (local.get $oh) (local.get $ohEnd)))
        (local.set $ow (local.get $owMin))
        (block $colsDone (loop $colsLoop
          (br_if $colsDone (i32.ge_s (local.get $ow) (local.get $owEnd)))
          (local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $inC)
            (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH))
                (i32.add (i32.mul (local.get $oh) (local.get $sH)) (local.get $rowShift)))
              (local.get $inW))
              (i32.add (i32.mul (local.get $ow) (local.get $sW)) (local.get $colShift)))) (i32.const 2))))
          (local.set $pd (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $outC)
            (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $outH)) (local.get $oh)) (local.get $outW))
              (local.get $ow))) (i32.const 2))))
          (local.set $pa (local.get $acc))
          (local.set $c (i32.const 0))
          (if (i32.eq (local.get $mult) (i32.const 1))
            (then
              (block $pairsDone (loop $pairs
                (br_if $pairsDone (i32.gt_u (i32.add (local.get $c) (i32.const 2)) (local.get $inC)))
                (v128.store (local.get $pa) (f64x2.add (v128.load (local.get $pa))
                  (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $px)))
                    (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pd))))))
                (local.set $px (i32.add (local.get $px) (i32.const 8)))
                (local.set $pd (i32.add (local.get $pd) (i32.const 8)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
                (local.set $c (i32.add (local.get $c) (i32.const 2)))
                (br $pairs)))))
          ;; what pairs leave, and every channel when mult > 1
          (block $restDone (loop $rest
            (br_if $restDone (i32.ge_u (local.get $c) (local.get $inC)))
            (local.set $xv (f64.promote_f32 (f32.load (local.get $px))))
            (local.set $m (i32.const 0))
            (block $mDone (loop $mLoop
              (br_if $mDone (i32.ge_u (local.get $m) (local.get $mult)))
              (f64.store (local.get $pa) (f64.add (f64.load (local.get $pa))
                (f64.mul (local.get $xv) (f64.promote_f32 (f32.load (local.get $pd))))))
              (local.set $pd (i32.add (local.get $pd) (i32.const 4)))
              (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
              (local.set $m (i32.add (local.get $m) (i32.const 1)))
              (br $mLoop)))
            (local.set $px (i32.add (local.get $px) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $rest)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $colsLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $rowsLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $batchLoop)))
    (local.set $c (i32.const 0))
    (block $roundDone (loop $round
      (br_if $roundDone (i32.ge_u (local.get $c) (local.get $outC)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $round))))
)
