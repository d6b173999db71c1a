/**
 * GEOS, the library shapely wraps, as a WebAssembly module, started once when this module is first imported.
 * Only the C functions the map layer calls are typed here.
 *
 * geos-wasm is pinned at 2.0.0: its GEOS cuts and unites bit for bit as the GEOS 3.11.1 under the references'
 * shapely 1.8.5 (MapTR GT and BEVFusion masks on 300 and 120 patches of a synthetic map). geos-wasm 3.x bundles
 * GEOS 3.13, whose line-segment intersections differ in the last bits, which moves cut points and, now and
 * then, the vertices a union keeps.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** A pointer into the module's heap (a GEOS object or a buffer); 0 is NULL. */
export type Ptr = number;

export interface GeosApi {
  GEOSGeom_destroy(g: Ptr): void;
  GEOSGeomTypeId(g: Ptr): number;
  GEOSGetNumGeometries(g: Ptr): number;
  GEOSGetGeometryN(g: Ptr, n: number): Ptr;
  GEOSGetExteriorRing(g: Ptr): Ptr;
  GEOSGetNumInteriorRings(g: Ptr): number;
  GEOSGetInteriorRingN(g: Ptr, n: number): Ptr;
  GEOSGeom_getCoordSeq(g: Ptr): Ptr;
  GEOSCoordSeq_getSize(s: Ptr, size: Ptr): number;
  GEOSCoordSeq_copyFromBuffer(buf: Ptr, size: number, hasZ: number, hasM: number): Ptr;
  GEOSCoordSeq_copyToBuffer(s: Ptr, buf: Ptr, hasZ: number, hasM: number): number;
  GEOSCoordSeq_isCCW(s: Ptr, isCCW: Ptr): number;
  GEOSGeom_createPointFromXY(x: number, y: number): Ptr;
  GEOSGeom_createEmptyPoint(): Ptr;
  GEOSGeom_createLineString(s: Ptr): Ptr;
  GEOSGeom_createLinearRing(s: Ptr): Ptr;
  GEOSGeom_createPolygon(shell: Ptr, holes: Ptr, nholes: number): Ptr;
  GEOSGeom_createEmptyPolygon(): Ptr;
  GEOSGeom_createCollection(type: number, geoms: Ptr, ngeoms: number): Ptr;
  GEOSIntersection(a: Ptr, b: Ptr): Ptr;
  GEOSUnaryUnion(g: Ptr): Ptr;
  GEOSLineMerge(g: Ptr): Ptr;
  GEOSisValid(g: Ptr): number;
  Module: {
    _malloc(bytes: number): Ptr;
    _free(p: Ptr): void;
    readonly HEAP8: Int8Array;
    readonly HEAPU32: Uint32Array;
    readonly HEAPF64: Float64Array;
  };
}

/** GEOS reports an error through a callback, then returns NULL (or 2 for predicates) to the caller. */
const pendingErrors: string[] = [];

// A non-literal specifier keeps TypeScript from loading geos-wasm's bundled typings, which declare
// Emscripten's names (Module, FS, setValue, ...) as globals for the whole program. It is resolved from this
// file, not from wherever the code runs: the compiled commands are bundles in another folder, and only this
// package depends on the pinned 2.0.0.
const GEOS_WASM = pathToFileURL(createRequire(import.meta.url).resolve('geos-wasm')).href;
const { default: initGeosJs } = (await import(GEOS_WASM)) as {
  default: (config: { errorHandler(m: string): void; noticeHandler(m: string): void }) => Promise<GeosApi>;
};

export const geos: GeosApi = await initGeosJs({
  errorHandler: (message) => {
    pendingErrors.push(message);
  },
  // Notices are GEOS's diagnostics (such as why a polygon is invalid); callers act on the results instead.
  noticeHandler: () => {},
});

/** `result` unless GEOS signalled an error (`failed`), which is thrown naming `what`. */
export function checked<T>(result: T, failed: T, what: string): T {
  const messages = pendingErrors.splice(0);
  if (result === failed) throw new Error(`GEOS ${what}: ${messages.join('; ') || 'failed'}`);
  return result;
}
