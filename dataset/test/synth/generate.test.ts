import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { readImage } from '../../src/images/index.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import {
  NuScenes,
  readLidarPoints,
  sampleFrames,
  sampleGroundTruth,
  TABLE_NAMES,
} from '../../src/nuscenes/index.ts';
import { MINI_SPLITS } from '../../src/splits/index.ts';
import { generateSynthDataset, type SynthSummary } from '../../src/synth/generate.ts';
import type { SynthOptions } from '../../src/synth/options.ts';

const TINY: Omit<SynthOptions, 'out'> = {
  scenes: 2,
  samples: 2,
  sweeps: 1,
  lidarSweeps: 1,
  width: 96,
  height: 54,
  seed: 7,
  jpegQuality: 85,
  version: 'v1.0-mini',
};

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

function digest(root: string): Map<string, string> {
  return new Map(
    listFiles(root).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(root, f)))
        .digest('hex'),
    ]),
  );
}

describe('synthetic nuScenes-format dataset', () => {
  let work: string;
  let out: string;
  let summary: SynthSummary;
  let nusc: NuScenes;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-synth-'));
    out = join(work, 'a');
    summary = await generateSynthDataset({ ...TINY, out }, { workers: 1 });
    nusc = await NuScenes.open(out, 'v1.0-mini');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('writes every table the devkit loads, and the reader opens it with all references and chains intact', () => {
    const files = readdirSync(join(out, 'v1.0-mini')).sort();
    assert.deepEqual(files, TABLE_NAMES.map((t) => `${t}.json`).sort());
    assert.equal(nusc.tables.scene.length, TINY.scenes);
    assert.equal(nusc.tables.sample.length, TINY.scenes * TINY.samples);
    // Per sample: 6 cameras x (key + sweeps) and the LiDAR x (key + sweeps).
    assert.equal(
      nusc.tables.sample_data.length,
      TINY.scenes * TINY.samples * (6 * (1 + TINY.sweeps) + 1 + TINY.lidarSweeps),
    );
    assert.equal(nusc.tables.ego_pose.length, nusc.tables.sample_data.length);
    assert.equal(nusc.tables.sample_annotation.length, summary.annotations);
    assert.ok(summary.annotations > 20, `only ${summary.annotations} annotations`);
    assert.equal(nusc.tables.category.length, 23);
    assert.equal(nusc.tables.attribute.length, 8);
    assert.equal(nusc.tables.visibility.length, 4);
    for (const sample of nusc.tables.sample) {
      assert.deepEqual([...nusc.keyFrameData(sample.token).keys()].sort(), [
        'CAM_BACK',
        'CAM_BACK_LEFT',
        'CAM_BACK_RIGHT',
        'CAM_FRONT',
        'CAM_FRONT_LEFT',
        'CAM_FRONT_RIGHT',
        'LIDAR_TOP',
      ]);
    }
    for (const log of nusc.tables.log) {
      const map = nusc.tables.map.find((m) => m.log_tokens.includes(log.token));
      assert.ok(map, `log ${log.logfile} has a map record`);
    }
  });

  it('names scenes after the official v1.0-mini splits', () => {
    assert.deepEqual(
      nusc.tables.scene.map((s) => s.name),
      ['scene-0061', 'scene-0553'],
    );
    for (const scene of nusc.tables.scene) assert.ok(MINI_SPLITS.mini_train.includes(scene.name));
  });

  it('writes every sample_data file where its record says, with the stated image size and whole LiDAR points', async () => {
    for (const sd of nusc.tables.sample_data) {
      const path = nusc.filePath(sd);
      assert.ok(statSync(path).size > 0, path);
      assert.ok(sd.filename.startsWith(sd.is_key_frame ? 'samples/' : 'sweeps/'), sd.filename);
      if (sd.fileformat === 'jpg') {
        const image = await readImage(path);
        assert.equal(image.width, TINY.width);
        assert.equal(image.height, TINY.height);
        assert.deepEqual([sd.width, sd.height], [TINY.width, TINY.height]);
      } else {
        assert.ok(sd.filename.endsWith('.pcd.bin'));
        const points = await readLidarPoints(path);
        assert.ok(points.count > 20_000, `${sd.filename}: ${points.count} points`);
      }
    }
  });

  it('chains camera sweeps before each key frame, so temporal models get their previous frames', () => {
    const last = nusc.get('sample', nusc.tables.scene[0].last_sample_token);
    const frames = sampleFrames(nusc, last.token, { frames: 3 });
    assert.equal(frames.cameras.length, 3);
    for (let c = 0; c < 6; c++) {
      const [key, previous, earlier] = frames.cameras.map((perCamera) => perCamera[c]);
      assert.ok(!key.padded && !previous.padded && !earlier.padded);
      assert.ok(key.timestamp > previous.timestamp && previous.timestamp > earlier.timestamp);
      // Camera sweeps run at 2 Hz x (1 + sweeps): 250 ms apart here.
      assert.equal(key.timestamp - previous.timestamp, 250_000);
    }
  });

  it('gives moving agents velocities and leaves parked and stopped ones still', () => {
    let moving = 0;
    let still = 0;
    for (const sample of nusc.tables.sample) {
      for (const box of sampleGroundTruth(nusc, sample.token).global) {
        const speed = Math.hypot(box.velocity[0], box.velocity[1]);
        if (Number.isNaN(speed)) continue;
        const attribute = box.attributeNames[0] ?? '';
        if (
          attribute === 'vehicle.moving' ||
          attribute === 'pedestrian.moving' ||
          attribute === 'cycle.with_rider'
        ) {
          assert.ok(speed > 0.5, `${box.annotationToken} (${attribute}) moves at ${speed} m/s`);
          moving++;
        } else {
          assert.ok(
            speed < 1e-6,
            `${box.annotationToken} (${attribute || box.categoryName}) moves at ${speed} m/s`,
          );
          still++;
        }
      }
    }
    assert.ok(moving > 10 && still > 10, `moving ${moving}, still ${still}`);
  });

  it('counts num_lidar_pts from the key-frame sweep: the points inside each box', async () => {
    let close = 0;
    for (const sample of nusc.tables.sample) {
      const lidarSd = nusc.sampleData(sample.token, 'LIDAR_TOP');
      const points = await readLidarPoints(nusc.filePath(lidarSd));
      const frames = sampleFrames(nusc, sample.token);
      const lidarToGlobal = frames.lidar.sensorToEgo.andThen(frames.lidar.egoToGlobal);
      const R = lidarToGlobal.rotation.rotationMatrix();
      const t = lidarToGlobal.translation;
      const truth = sampleGroundTruth(nusc, sample.token);
      for (const box of truth.global) {
        const yaw = box.rotation.yaw();
        const [w, l, h] = box.size;
        // Points on the object lie inside its box, on its faces, with ±1 cm range noise: so they are all inside
        // the box grown by 3 cm. Ground points (z within ±5 mm of 0, the box's bottom face) fall inside only
        // where the ground shows under the body, so the annotated count lies between the two counts.
        let onObject = 0;
        let withGround = 0;
        for (let i = 0; i < points.count; i++) {
          const px = points.data[5 * i];
          const py = points.data[5 * i + 1];
          const pz = points.data[5 * i + 2];
          const gx = R[0] * px + R[1] * py + R[2] * pz + t[0] - box.center[0];
          const gy = R[3] * px + R[4] * py + R[5] * pz + t[1] - box.center[1];
          const gz = R[6] * px + R[7] * py + R[8] * pz + t[2] - box.center[2];
          const along = gx * Math.cos(yaw) + gy * Math.sin(yaw);
          const across = -gx * Math.sin(yaw) + gy * Math.cos(yaw);
          if (Math.abs(along) > l / 2 + 0.03 || Math.abs(across) > w / 2 + 0.03 || gz > h / 2 + 0.03)
            continue;
          if (gz >= 0.01 - h / 2) onObject++;
          if (gz >= -0.01 - h / 2) withGround++;
        }
        assert.ok(
          onObject <= box.numLidarPts && box.numLidarPts <= withGround,
          `${box.annotationToken}: ${box.numLidarPts} annotated, ${onObject} above the ground, ${withGround} with it`,
        );
        const distance = Math.hypot(
          box.center[0] - truth.egoTranslation[0],
          box.center[1] - truth.egoTranslation[1],
        );
        if (distance < 12 && box.visibilityToken === '4') {
          assert.ok(
            box.numLidarPts > 0,
            `${box.annotationToken} at ${distance.toFixed(1)} m has no LiDAR points`,
          );
          close++;
        }
      }
    }
    assert.ok(close > 0, 'no close, fully visible agent to check');
  });

  it('writes a map expansion with every layer and a 10 px/m basemap for the location', async () => {
    const location = nusc.tables.log[0].location;
    const map = await MapExpansion.load(out, location);
    for (const layer of [
      'drivable_area',
      'road_segment',
      'road_block',
      'lane',
      'lane_connector',
      'ped_crossing',
      'walkway',
      'stop_line',
      'carpark_area',
      'road_divider',
      'lane_divider',
    ] as const) {
      assert.ok(map.records[layer].length > 0, `layer ${layer} is empty`);
    }
    const basemap = PNG.sync.read(readFileSync(join(out, nusc.tables.map[0].filename)));
    assert.equal(basemap.width, Math.round(map.records.canvas_edge[0] * 10));
    assert.equal(basemap.height, Math.round(map.records.canvas_edge[1] * 10));
  });

  it('feeds every scene through a worker pool smaller than the scene count', async () => {
    const pooled = join(work, 'pool');
    const result = await generateSynthDataset(
      { ...TINY, out: pooled, scenes: 3, sweeps: 0, lidarSweeps: 0, width: 32, height: 18 },
      { workers: 2 },
    );
    assert.equal(result.workers, 2);
    const opened = await NuScenes.open(pooled, 'v1.0-mini');
    assert.deepEqual(
      opened.tables.scene.map((s) => s.name),
      ['scene-0061', 'scene-0553', 'scene-0655'],
    );
    rmSync(pooled, { recursive: true });
  });

  it('produces byte-identical output for the same seed, with or without worker threads, and not for another seed', async () => {
    const again = join(work, 'b');
    const threaded = await generateSynthDataset({ ...TINY, out: again }, { workers: 2 });
    assert.equal(threaded.workers, 2);
    const first = digest(out);
    const second = digest(again);
    assert.deepEqual([...second.keys()], [...first.keys()]);
    for (const [file, hash] of first) assert.equal(second.get(file), hash, `${file} differs between runs`);
    rmSync(again, { recursive: true });
    const other = join(work, 'c');
    await generateSynthDataset({ ...TINY, out: other, seed: 8 }, { workers: 1 });
    const sceneTable = (root: string) =>
      readFileSync(join(root, 'v1.0-mini', 'sample_annotation.json'), 'utf8');
    assert.notEqual(sceneTable(other), sceneTable(out));
  });
});
