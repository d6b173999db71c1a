;; Convolution gradients tfjs-backend-wasm runs as scalar loops, or we did in JavaScript.
;; See simd_module.ts for how the modules are assembled and bound.
(module
  (import "tfjs" "memory" (memory 0))

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
