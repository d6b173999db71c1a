;; The sums and products of linear layers' gradients: thin weight products, column sums, bias additions and
;; segment sums (gather's gradient).
;; See simd_module.ts for how the modules are assembled and bound.
(module
  (import "tfjs" "memory" (memory 0))

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
)
