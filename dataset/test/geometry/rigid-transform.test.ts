import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { intrinsicsFromRecord, projectionMatrix, projectPoint } from '../../src/geometry/camera.ts';
import { vec3 } from '../../src/geometry/frames.ts';
import { mat4ApplyHomogeneous, mat4Chain, mat4Inverse } from '../../src/geometry/matrix.ts';
import { Quaternion } from '../../src/geometry/quaternion.ts';
import { RigidTransform } from '../../src/geometry/rigid-transform.ts';

const geometry = resolve(import.meta.dirname, '../../src/geometry');

function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

const egoToGlobal = RigidTransform.fromRecord<'ego', 'global'>({
  rotation: Quaternion.fromYaw(Math.PI / 2).toArray(),
  translation: [100, 200, 0],
});
const lidarToEgo = RigidTransform.fromRecord<'lidar', 'ego'>({
  rotation: Quaternion.fromYaw(-Math.PI / 2).toArray(),
  translation: [1, 0, 2],
});

describe('RigidTransform', () => {
  it('rotates then translates', () => {
    // Facing +y in the world, a point 3 m ahead of the ego is 3 m north of it.
    assertNear(egoToGlobal.apply(vec3<'ego'>(3, 0, 1)), [100, 203, 1]);
  });

  it('composes along matching frames and agrees with the 4x4 product', () => {
    const lidarToGlobal = lidarToEgo.andThen(egoToGlobal);
    const p = vec3<'lidar'>(0.5, 4, -1);
    assertNear(lidarToGlobal.apply(p), egoToGlobal.apply(lidarToEgo.apply(p)));
    const m = mat4Chain(lidarToEgo.toMatrix(), egoToGlobal.toMatrix());
    assertNear(mat4ApplyHomogeneous(m, p), [...lidarToGlobal.apply(p), 1]);
  });

  it('inverts to the identity', () => {
    const p = vec3<'global'>(7, -3, 2);
    assertNear(egoToGlobal.apply(egoToGlobal.inverse().apply(p)), p);
    assertNear(mat4Inverse(egoToGlobal.toMatrix()), egoToGlobal.inverse().toMatrix());
  });

  it('writes a row-major [R t; 0 1] matrix', () => {
    const m = egoToGlobal.toMatrix();
    assertNear([m[3], m[7], m[11], m[12], m[13], m[14], m[15]], [100, 200, 0, 0, 0, 0, 1]);
    assertNear([m[0], m[1], m[4], m[5]], [0, -1, 1, 0]);
  });

  it('makes a frame mix-up a type error', function () {
    this.timeout(30_000);
    // The frames exist only in the types, so the compiler is the one that can tell: each line marked `bad` must
    // fail to type-check and every other line must pass.
    const lines = [
      `import { vec3 } from ${JSON.stringify(join(geometry, 'frames.ts'))};`,
      `import { RigidTransform } from ${JSON.stringify(join(geometry, 'rigid-transform.ts'))};`,
      `declare const egoToGlobal: RigidTransform<'ego', 'global'>;`,
      `declare const lidarToEgo: RigidTransform<'lidar', 'ego'>;`,
      `egoToGlobal.apply(vec3<'ego'>(1, 2, 3));`,
      `egoToGlobal.apply(vec3<'global'>(1, 2, 3)); // bad: a global point is not an ego point`,
      `lidarToEgo.andThen(egoToGlobal);`,
      `egoToGlobal.andThen(lidarToEgo); // bad: lidar->ego cannot follow ego->global`,
    ];
    const file = join(geometry, 'frame-mix-up.ts');
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (resolve(name) === file ? lines.join('\n') : readFile(name));
    host.fileExists = (
      (exists) => (name: string) =>
        resolve(name) === file || exists(name)
    )(host.fileExists.bind(host));
    const program = ts.createProgram([file], options, host);
    const failing = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && resolve(d.file.fileName) === file && d.start !== undefined)
      .map((d) => (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start as number).line);
    const bad = lines.flatMap((line, i) => (line.includes('// bad:') ? [i] : []));
    assert.deepEqual(
      [...new Set(failing)].sort((a, b) => a - b),
      bad,
    );
  });

  it('names the record field of a malformed translation', () => {
    assert.throws(
      () =>
        RigidTransform.fromRecord(
          { rotation: [1, 0, 0, 0], translation: [1, 2] },
          'calibrated_sensor.json record "c"',
        ),
      /calibrated_sensor\.json record "c"\.translation: expected 3 finite numbers/,
    );
  });
});

describe('camera projection', () => {
  const k = intrinsicsFromRecord([
    [800, 0, 640],
    [0, 800, 360],
    [0, 0, 1],
  ]);
  // Camera axes x right, y down, z forward, mounted 1.5 m ahead of the ego origin looking forward.
  const cameraToEgo = new RigidTransform<'camera', 'ego'>(
    new Quaternion(0.5, -0.5, 0.5, -0.5),
    vec3<'ego'>(1.5, 0, 0),
  );

  it('projects a point ahead of the camera to pixels with its depth', () => {
    const toImage = projectionMatrix(cameraToEgo, k);
    const { u, v, depth } = projectPoint(toImage, vec3<'ego'>(11.5, 1, -0.5));
    assertNear([u, v, depth], [640 - 80, 360 + 40, 10]);
  });

  it('reports a negative depth behind the camera', () => {
    assert.ok(projectPoint(projectionMatrix(cameraToEgo, k), vec3<'ego'>(-5, 0, 0)).depth < 0);
  });

  it('rejects an intrinsic matrix that is not 3x3', () => {
    assert.throws(
      () => intrinsicsFromRecord([], 'field "camera_intrinsic"'),
      /field "camera_intrinsic": expected a 3x3/,
    );
  });
});
