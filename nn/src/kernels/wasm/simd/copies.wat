;; Tensor copies on the backend's heap: slices, concatenations, patches and row gathers.
;; See simd_module.ts for how the modules are assembled and bound.
(module
  (import "tfjs" "memory" (memory 0))

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
)
