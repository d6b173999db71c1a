/**
 * Pixel-exact equivalents of the two OpenCV drawing calls the devkit's map masks use, on an 8-bit single-channel
 * image: `cv2.fillPoly(img, contours, value)` and `cv2.polylines(img, [pts], False, value, 2)` (8-connected,
 * no sub-pixel shift). OpenCV draws in 16.16 fixed point with its own edge and rounding rules, and the masks
 * must agree pixel for pixel, so this follows its algorithms rather than a textbook scan conversion.
 * Fixed-point values stay far below 2^53, so plain numbers hold OpenCV's int64 arithmetic exactly.
 */

/** Row-major 8-bit image: `data[y * width + x]`. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type PixelPoint = readonly [x: number, y: number];

const SHIFT = 16;
const ONE = 1 << SHIFT;
const HALF = ONE >> 1;

export function createRaster(width: number, height: number): Raster {
  return { width, height, data: new Uint8Array(width * height) };
}

/** C integer division (truncates toward zero). */
const idiv = (a: number, b: number) => Math.trunc(a / b);
/** Arithmetic right shift of a value that may exceed 32 bits. */
const shr = (a: number, bits: number) => Math.floor(a / 2 ** bits);
/** cvRound: nearest, ties to even (the FPU's default mode). */
function cvRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function hline(img: Raster, y: number, x1: number, x2: number, value: number) {
  img.data.fill(value, y * img.width + x1, y * img.width + x2 + 1);
}

function put(img: Raster, x: number, y: number, value: number) {
  if (x >= 0 && x < img.width && y >= 0 && y < img.height) img.data[y * img.width + x] = value;
}

/** Cohen-Sutherland clip to [0, w-1] x [0, h-1] with integer steps; null when the segment misses the image. */
function clipSegment(w: number, h: number, p1: [number, number], p2: [number, number]): boolean {
  const right = w - 1;
  const bottom = h - 1;
  let [x1, y1] = p1;
  let [x2, y2] = p2;
  const code = (x: number, y: number) =>
    Number(x < 0) + Number(x > right) * 2 + Number(y < 0) * 4 + Number(y > bottom) * 8;
  let c1 = code(x1, y1);
  let c2 = code(x2, y2);
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    if (c1 & 12) {
      const a = c1 < 8 ? 0 : bottom;
      x1 += idiv((a - y1) * (x2 - x1), y2 - y1);
      y1 = a;
      c1 = Number(x1 < 0) + Number(x1 > right) * 2;
    }
    if (c2 & 12) {
      const a = c2 < 8 ? 0 : bottom;
      x2 += idiv((a - y2) * (x2 - x1), y2 - y1);
      y2 = a;
      c2 = Number(x2 < 0) + Number(x2 > right) * 2;
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        const a = c1 === 1 ? 0 : right;
        y1 += idiv((a - x1) * (y2 - y1), x2 - x1);
        x1 = a;
        c1 = 0;
      }
      if (c2) {
        const a = c2 === 1 ? 0 : right;
        y2 += idiv((a - x2) * (y2 - y1), x2 - x1);
        x2 = a;
        c2 = 0;
      }
    }
  }
  p1[0] = x1;
  p1[1] = y1;
  p2[0] = x2;
  p2[1] = y2;
  return (c1 | c2) === 0;
}

/** OpenCV's 8-connected Bresenham line between integer pixels (LineIterator, left to right). */
function line8(img: Raster, a: PixelPoint, b: PixelPoint, value: number) {
  const p1: [number, number] = [a[0], a[1]];
  const p2: [number, number] = [b[0], b[1]];
  const outside = (p: [number, number]) => p[0] < 0 || p[0] >= img.width || p[1] < 0 || p[1] >= img.height;
  if ((outside(p1) || outside(p2)) && !clipSegment(img.width, img.height, p1, p2)) return;
  let dx = p2[0] - p1[0];
  let dy = p2[1] - p1[1];
  let [x, y] = p1;
  if (dx < 0) {
    dx = -dx;
    dy = -dy;
    [x, y] = p2;
  }
  const yStep = dy < 0 ? -1 : 1;
  dy = Math.abs(dy);
  // Steps along the major axis every pixel, along the minor one when the error goes negative.
  const steep = dy > dx;
  const [major, minor] = steep ? [dy, dx] : [dx, dy];
  const [mx, my, nx, ny] = steep ? [0, yStep, 1, 0] : [1, 0, 0, yStep];
  let err = major - 2 * minor;
  for (let i = 0; i <= major; i++) {
    put(img, x, y, value);
    const stepMinor = err < 0;
    err += -2 * minor + (stepMinor ? 2 * major : 0);
    x += mx + (stepMinor ? nx : 0);
    y += my + (stepMinor ? ny : 0);
  }
}

/** OpenCV's `Line2`: a line between 16.16 fixed-point points, clipped to the image. */
function lineFixed(img: Raster, a: PixelPoint, b: PixelPoint, value: number) {
  const p1: [number, number] = [a[0], a[1]];
  const p2: [number, number] = [b[0], b[1]];
  if (!clipSegment(img.width * ONE, img.height * ONE, p1, p2)) return;
  let dx = p2[0] - p1[0];
  let dy = p2[1] - p1[1];
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  let xStep: number;
  let yStep: number;
  let count: number;
  if (ax > ay) {
    if (dx < 0) {
      [p1[0], p2[0]] = [p2[0], p1[0]];
      [p1[1], p2[1]] = [p2[1], p1[1]];
      dy = -dy;
    }
    xStep = ONE;
    yStep = idiv(dy * ONE, ax | 1);
    count = shr(p2[0] - p1[0], SHIFT);
  } else {
    if (dy < 0) {
      [p1[0], p2[0]] = [p2[0], p1[0]];
      [p1[1], p2[1]] = [p2[1], p1[1]];
      dx = -dx;
    }
    xStep = idiv(dx * ONE, ay | 1);
    yStep = ONE;
    count = shr(p2[1] - p1[1], SHIFT);
  }
  let x = p1[0] + HALF;
  let y = p1[1] + HALF;
  put(img, shr(p2[0] + HALF, SHIFT), shr(p2[1] + HALF, SHIFT), value);
  if (ax > ay) {
    x = shr(x, SHIFT);
    for (; count >= 0; count--, x++, y += yStep) put(img, x, shr(y, SHIFT), value);
  } else {
    y = shr(y, SHIFT);
    for (; count >= 0; count--, x += xStep, y++) put(img, shr(x, SHIFT), y, value);
  }
}

/** OpenCV's `FillConvexPoly` for 16.16 fixed-point vertices (the body of a thick line segment). */
function fillConvexFixed(img: Raster, v: readonly PixelPoint[], value: number) {
  const n = v.length;
  let imin = 0;
  let xmin = v[0][0];
  let xmax = v[0][0];
  let ymin = v[0][1];
  let ymax = v[0][1];
  let p0 = v[n - 1];
  for (let i = 0; i < n; i++) {
    const p = v[i];
    if (p[1] < ymin) {
      ymin = p[1];
      imin = i;
    }
    ymax = Math.max(ymax, p[1]);
    xmax = Math.max(xmax, p[0]);
    xmin = Math.min(xmin, p[0]);
    lineFixed(img, p0, p, value);
    p0 = p;
  }
  xmin = shr(xmin + HALF, SHIFT);
  xmax = shr(xmax + HALF, SHIFT);
  ymin = shr(ymin + HALF, SHIFT);
  ymax = shr(ymax + HALF, SHIFT);
  if (n < 3 || xmax < 0 || ymax < 0 || xmin >= img.width || ymin >= img.height) return;
  ymax = Math.min(ymax, img.height - 1);
  const edge = [
    { idx: imin, di: 1, x: -ONE, dx: 0, ye: ymin },
    { idx: imin, di: n - 1, x: -ONE, dx: 0, ye: ymin },
  ];
  let edges = n;
  let y = ymin;
  do {
    for (const e of edge) {
      if (y < e.ye) continue;
      let idx0 = e.idx;
      let idx = idx0 + e.di;
      if (idx >= n) idx -= n;
      for (; edges-- > 0; ) {
        const ty = shr(v[idx][1] + HALF, SHIFT);
        if (ty > y) {
          const xs = v[idx0][0];
          const xe = v[idx][0];
          e.ye = ty;
          e.dx = idiv((xe - xs) * 2 + (ty - y), 2 * (ty - y));
          e.x = xs;
          e.idx = idx;
          break;
        }
        idx0 = idx;
        idx += e.di;
        if (idx >= n) idx -= n;
      }
    }
    if (edges < 0) break;
    if (y >= 0) {
      const [l, r] = edge[0].x > edge[1].x ? [edge[1], edge[0]] : [edge[0], edge[1]];
      let x1 = shr(l.x + HALF, SHIFT);
      let x2 = shr(r.x + HALF, SHIFT);
      if (x2 >= 0 && x1 < img.width) {
        x1 = Math.max(x1, 0);
        x2 = Math.min(x2, img.width - 1);
        hline(img, y, x1, x2, value);
      }
    }
    edge[0].x += edge[0].dx;
    edge[1].x += edge[1].dx;
  } while (++y <= ymax);
}

/** OpenCV's filled `Circle` (integer centre and radius), used for the round caps of thick lines. */
function fillCircle(img: Raster, cx: number, cy: number, radius: number, value: number) {
  const { width, height } = img;
  let err = 0;
  let dx = radius;
  let dy = 0;
  let plus = 1;
  let minus = (radius << 1) - 1;
  const span = (y: number, x1: number, x2: number) => {
    if (y < 0 || y >= height || x1 >= width || x2 < 0) return;
    hline(img, y, Math.max(x1, 0), Math.min(x2, width - 1), value);
  };
  while (dx >= dy) {
    span(cy - dy, cx - dx, cx + dx);
    span(cy + dy, cx - dx, cx + dx);
    span(cy - dx, cx - dy, cx + dy);
    span(cy + dx, cx - dy, cx + dy);
    dy++;
    err += plus;
    plus += 2;
    const mask = err <= 0 ? 0 : -1;
    err -= minus & mask;
    dx += mask;
    minus -= mask & 2;
  }
}

/** OpenCV's `ThickLine` for an even thickness >= 2: a filled quadrilateral plus round caps where `caps` asks. */
function thickSegment(
  img: Raster,
  a: PixelPoint,
  b: PixelPoint,
  thickness: number,
  caps: number,
  value: number,
) {
  const p0: PixelPoint = [a[0] * ONE, a[1] * ONE];
  const p1: PixelPoint = [b[0] * ONE, b[1] * ONE];
  const dx = (p0[0] - p1[0]) / ONE;
  const dy = (p1[1] - p0[1]) / ONE;
  let r = dx * dx + dy * dy;
  const odd = thickness & 1;
  const half = thickness * (ONE / 2);
  if (Math.abs(r) > Number.EPSILON) {
    r = (half + odd * ONE * 0.5) / Math.sqrt(r);
    const ox = cvRound(dy * r);
    const oy = cvRound(dx * r);
    fillConvexFixed(
      img,
      [
        [p0[0] + ox, p0[1] + oy],
        [p0[0] - ox, p0[1] - oy],
        [p1[0] - ox, p1[1] - oy],
        [p1[0] + ox, p1[1] + oy],
      ],
      value,
    );
  }
  const radius = shr(half + HALF, SHIFT);
  if (caps & 1) fillCircle(img, shr(p0[0] + HALF, SHIFT), shr(p0[1] + HALF, SHIFT), radius, value);
  if (caps & 2) fillCircle(img, shr(p1[0] + HALF, SHIFT), shr(p1[1] + HALF, SHIFT), radius, value);
}

/** `cv2.polylines(img, [pts], isClosed=False, value, thickness)` with integer vertices, thickness >= 2. */
export function drawOpenPolyline(img: Raster, pts: readonly PixelPoint[], value: number, thickness: number) {
  if (thickness < 2)
    throw new Error(`drawOpenPolyline: thickness ${thickness} is not supported (needs >= 2)`);
  let caps = 3;
  for (let i = 1; i < pts.length; i++) {
    thickSegment(img, pts[i - 1], pts[i], thickness, caps, value);
    caps = 2;
  }
}

interface PolyEdge {
  y0: number;
  y1: number;
  x: number;
  dx: number;
  next: PolyEdge | null;
}

/** `cv2.fillPoly(img, contours, value)`: even-odd fill of all contours together, outlines drawn 8-connected. */
export function fillPolygons(img: Raster, contours: readonly (readonly PixelPoint[])[], value: number) {
  const edges: PolyEdge[] = [];
  for (const pts of contours) {
    const n = pts.length;
    if (n === 0) continue;
    let pt0 = pts[n - 1];
    for (let i = 0; i < n; i++) {
      const pt1 = pts[i];
      line8(img, pt0, pt1, value);
      if (pt0[1] !== pt1[1]) {
        const [top, bottom] = pt0[1] < pt1[1] ? [pt0, pt1] : [pt1, pt0];
        edges.push({
          y0: top[1],
          y1: bottom[1],
          x: top[0] * ONE,
          dx: idiv((pt1[0] - pt0[0]) * ONE, pt1[1] - pt0[1]),
          next: null,
        });
      }
      pt0 = pt1;
    }
  }
  fillEdges(img, edges, value);
}

/** OpenCV's `FillEdgeCollection`: scanline fill over an active edge list kept sorted by x. */
function fillEdges(img: Raster, edges: PolyEdge[], value: number) {
  const total = edges.length;
  if (total < 2) return;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  for (const e of edges) {
    const x1 = e.x + (e.y1 - e.y0) * e.dx;
    yMin = Math.min(yMin, e.y0);
    yMax = Math.max(yMax, e.y1);
    xMin = Math.min(xMin, e.x, x1);
    xMax = Math.max(xMax, e.x, x1);
  }
  if (yMax < 0 || yMin >= img.height || xMax < 0 || xMin >= img.width * ONE) return;
  // std::sort is not stable, but equal keys are equal edges here, so any order draws the same.
  edges.sort((a, b) => a.y0 - b.y0 || a.x - b.x || a.dx - b.dx);
  const sentinel: PolyEdge = { y0: Number.MAX_SAFE_INTEGER, y1: 0, x: 0, dx: 0, next: null };
  edges.push(sentinel);
  const head: PolyEdge = { y0: 0, y1: 0, x: 0, dx: 0, next: null };
  let i = 0;
  let e = edges[0];
  yMax = Math.min(yMax, img.height);
  for (let y = e.y0; y < yMax; y++) {
    let draw = false;
    const clip = y < 0;
    let prelast = head;
    let last = head.next;
    while (last || e.y0 === y) {
      if (last && last.y1 === y) {
        prelast.next = last.next;
        last = last.next;
        continue;
      }
      const keep = prelast;
      if (last && (e.y0 > y || last.x < e.x)) {
        prelast = last;
        last = last.next;
      } else if (i < total) {
        prelast.next = e;
        e.next = last;
        prelast = e;
        e = edges[++i];
      } else break;
      if (draw) {
        if (!clip) {
          const [lo, hi] = keep.x > prelast.x ? [prelast.x, keep.x] : [keep.x, prelast.x];
          let x1 = shr(lo + ONE - 1, SHIFT);
          let x2 = shr(hi, SHIFT);
          if (x1 < img.width && x2 >= 0) {
            x1 = Math.max(x1, 0);
            x2 = Math.min(x2, img.width - 1);
            if (x1 <= x2) hline(img, y, x1, x2, value);
          }
        }
        keep.x += keep.dx;
        prelast.x += prelast.dx;
      }
      draw = !draw;
    }
    // Bubble sort of the active list by x, as OpenCV does after each scanline.
    let sorted = false;
    let stop: PolyEdge | null = null;
    while (!sorted) {
      sorted = true;
      let pre = head;
      let cur = head.next;
      while (cur && cur !== stop && cur.next) {
        const nxt: PolyEdge = cur.next;
        if (cur.x > nxt.x) {
          pre.next = nxt;
          cur.next = nxt.next;
          nxt.next = cur;
          pre = nxt;
          sorted = false;
        } else {
          pre = cur;
          cur = nxt;
        }
      }
      stop = pre;
      if (stop === head.next || stop === head) break;
    }
  }
}
