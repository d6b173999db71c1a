/** Checks that `images` holds `views` [H, W, 3] images; the error names the function and what is wrong. */
export function checkImages(images: Float32Array, views: number, H: number, W: number, where: string): void {
  for (const [name, n] of [
    ['views', views],
    ['H', H],
    ['W', W],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${where}: ${name} must be an integer >= 1, got ${n}`);
  }
  const want = views * H * W * 3;
  if (images.length !== want) {
    throw new Error(`${where}: images hold ${images.length} values, expected views * H * W * 3 = ${want}`);
  }
}
