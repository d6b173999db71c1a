;; Softplus, with the maths functions tfjs-backend-wasm's uses.
;; See simd_module.ts for how the modules are assembled and bound.
(module
  (import "tfjs" "memory" (memory 0))

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

  ;; musl's expf on both lanes, rounded to float32 and widened back, with no special cases: the caller masks the
  ;; lanes below log(2^-150), where it underflows to zero, and NaNs.
  (func $expf2 (param $x v128) (result v128)
    (local $z v128) (local $kd v128) (local $ki v128) (local $r v128) (local $s v128) (local $y v128)
    ;; x 32 / ln 2 = k + r, k an integer (rounded by the 1.5 * 2^52 shift) and |r| <= 1/2
    (local.set $z (f64x2.mul (f64x2.splat (f64.const 0x1.71547652b82fep+5)) (local.get $x)))
    (local.set $kd (f64x2.add (local.get $z) (f64x2.splat (f64.const 0x1.8p+52))))
    (local.set $ki (local.get $kd))
    (local.set $kd (f64x2.sub (local.get $kd) (f64x2.splat (f64.const 0x1.8p+52))))
    (local.set $r (f64x2.sub (local.get $z) (local.get $kd)))
    ;; s = 2^(k/32): the table's entry for k mod 32 with k's whole part added to its exponent
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

  ;; fdlibm's __ieee754_log on both lanes, for finite x >= 1: x = 2^k (1 + f), log(1 + f) from s = f / (2 + f) and a
  ;; polynomial; its branches are computed and selected. Its k = 0 forms are left out: with k = 0 the general forms
  ;; give the same bits (0 - (a - f) is f - a) whenever the result is not zero, and it is zero only at x = 1, where
  ;; both give +0.
  (func $log2x (param $x v128) (result v128)
    (local $bits v128) (local $hx v128) (local $k v128) (local $i v128) (local $f v128) (local $dk v128)
    (local $s v128) (local $z v128) (local $w v128) (local $r v128) (local $hfsq v128) (local $small v128)
    (local $a v128) (local $b v128)
    (local.set $bits (local.get $x))
    (local.set $hx (i64x2.shr_u (local.get $bits) (i32.const 32)))
    (local.set $k (i64x2.sub (i64x2.shr_u (local.get $hx) (i32.const 20)) (i64x2.splat (i64.const 1023))))
    (local.set $hx (v128.and (local.get $hx) (i64x2.splat (i64.const 0xfffff))))
    ;; normalise x or x/2 into [sqrt(2)/2, sqrt(2))
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
    ;; R = t2 + t1, fdlibm's two halves of the polynomial in z = s^2
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

  ;; Softplus of four float32 values as tfjs-backend-wasm's SoftplusImpl: two pairs of doubles, each branch some
  ;; lane needs computed and the lane's own selected.
  (func $softplus4 (param $v v128) (result v128)
    (local $lo v128) (local $hi v128) (local $e v128) (local $low v128) (local $mid v128) (local $result v128)
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
    (local.get $result))

  ;; out[i] = softplus(x[i]) for `count` float32 values, four at a time; the last count mod 4 in one vector more,
  ;; its other lanes zero, read and written a value at a time.
  (func (export "softplus") (param $x i32) (param $out i32) (param $count i32)
    (local $quadsEnd i32) (local $rest i32) (local $v v128)
    (local.set $quadsEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $x) (local.get $quadsEnd)))
        (v128.store (local.get $out) (call $softplus4 (v128.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $quads)))
    (local.set $rest (i32.and (local.get $count) (i32.const 3)))
    (if (i32.eqz (local.get $rest)) (then (return)))
    (local.set $v (v128.load32_zero (local.get $x)))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (local.set $v (v128.load32_lane offset=4 1 (local.get $x) (local.get $v)))))
    (if (i32.eq (local.get $rest) (i32.const 3))
      (then (local.set $v (v128.load32_lane offset=8 2 (local.get $x) (local.get $v)))))
    (local.set $v (call $softplus4 (local.get $v)))
    (v128.store32_lane 0 (local.get $out) (local.get $v))
    (if (i32.ge_u (local.get $rest) (i32.const 2))
      (then (v128.store32_lane offset=4 1 (local.get $out) (local.get $v))))
    (if (i32.eq (local.get $rest) (i32.const 3))
      (then (v128.store32_lane offset=8 2 (local.get $out) (local.get $v)))))
)
