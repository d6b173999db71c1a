/**
 * What the town's scenery costs the synthetic generator's sensors: the same key frames rendered by the six cameras
 * and scanned by the LiDAR with the full scenery (styled facades with their window grid, trees and hedges) and with
 * the reference, bare scenery (the same buildings as plain boxes, no plants), in alternating rounds in one process
 * so both see the same machine load. CPU time is printed beside wall time: on a busy machine it is the fairer figure.
 *
 *   npx tsx bench/synth-scenery.ts                 # seed 0, boston-seaport and singapore-onenorth, 400x225
 *   npx tsx bench/synth-scenery.ts --rounds 8 --width 1600 --height 900
 */
import { vec3 } from '../dataset/src/geometry/frames.ts';
import { Quaternion } from '../dataset/src/geometry/quaternion.ts';
import { RigidTransform } from '../dataset/src/geometry/rigid-transform.ts';
import type { MapLocation } from '../dataset/src/map/expansion-types.ts';
import { CameraRenderer } from '../dataset/src/synth/camera-render.ts';
import { egoPose, planEgoRoute } from '../dataset/src/synth/ego.ts';
import { scanLidar } from '../dataset/src/synth/lidar-scan.ts';
import { drawLighting } from '../dataset/src/synth/lighting.ts';
import { populateScene } from '../dataset/src/synth/populate.ts';
import { Random } from '../dataset/src/synth/random.ts';
import { CAMERA_MOUNTS, LIDAR_TO_EGO, scaledIntrinsics } from '../dataset/src/synth/rig.ts';
import { BOX, BOX_STRIDE, SURFACE, sceneBoxesAt, townBoxes } from '../dataset/src/synth/scene-boxes.ts';
import { buildWorld } from '../dataset/src/synth/scene-generator.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`synth-scenery: ${name} must be a positive integer`);
  return value;
};
const rounds = arg('--rounds', 4);
const width = arg('--width', 400);
const height = arg('--height', 225);
const KEY_FRAMES = 10;
const DURATION_S = 4.5;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const scenes = (['boston-seaport', 'singapore-onenorth'] as MapLocation[]).map((location, k) => {
  const world = buildWorld(0, location);
  const route = planEgoRoute(world.town, DURATION_S, new Random(k).fork('ego'));
  const agents = populateScene(world.town, route, DURATION_S, new Random(k).fork('agents'), 1);
  // The reference: the same buildings, untextured, and no plants.
  const bare = townBoxes(world.town, world.styles, []);
  for (let o = 0; o < bare.length; o += BOX_STRIDE) bare[o + BOX.surface] = SURFACE.plain;
  return {
    world,
    route,
    agents,
    lighting: drawLighting(new Random(k).fork('light')),
    full: world.scenery,
    bare,
  };
});

interface Tally {
  cameraCpu: number;
  cameraWall: number;
  lidarCpu: number;
  lidarWall: number;
  boxes: number;
}

const renderer = new CameraRenderer(width, height);
function round(variant: 'full' | 'bare', tally: Tally): void {
  for (const scene of scenes) {
    for (let k = 0; k < KEY_FRAMES; k++) {
      const t = (k * DURATION_S) / (KEY_FRAMES - 1);
      const pose = egoPose(scene.route, t);
      const egoToGlobal = new RigidTransform<'ego', 'global'>(
        Quaternion.fromYaw(pose.yaw),
        vec3<'global'>(pose.x, pose.y, 0),
      );
      const boxes = sceneBoxesAt(scene[variant], scene.agents, t);
      tally.boxes = Math.max(tally.boxes, boxes.count);
      let cpu = cpuMs();
      let wall = performance.now();
      for (const mount of CAMERA_MOUNTS) {
        const K = scaledIntrinsics(mount, width, height);
        const cameraToGlobal = mount.cameraToEgo.andThen(egoToGlobal);
        renderer.render(
          {
            width,
            height,
            fx: K[0][0],
            fy: K[1][1],
            cx: K[0][2],
            cy: K[1][2],
            rotation: cameraToGlobal.rotation.rotationMatrix(),
            position: [...cameraToGlobal.translation] as [number, number, number],
          },
          boxes,
          scene.world.ground,
          scene.lighting,
          scene.agents.length,
        );
      }
      tally.cameraCpu += cpuMs() - cpu;
      tally.cameraWall += performance.now() - wall;
      cpu = cpuMs();
      wall = performance.now();
      const lidarToGlobal = LIDAR_TO_EGO.andThen(egoToGlobal);
      scanLidar(
        {
          rotation: lidarToGlobal.rotation.rotationMatrix(),
          position: [...lidarToGlobal.translation] as [number, number, number],
        },
        boxes,
        scene.world.ground,
        scene.agents.length,
        new Random(k),
      );
      tally.lidarCpu += cpuMs() - cpu;
      tally.lidarWall += performance.now() - wall;
    }
  }
}

const empty = (): Tally => ({ cameraCpu: 0, cameraWall: 0, lidarCpu: 0, lidarWall: 0, boxes: 0 });
// A warm-up round each, so that both variants run optimised code.
round('bare', empty());
round('full', empty());
const tallies = { bare: empty(), full: empty() };
for (let r = 0; r < rounds; r++) {
  round('bare', tallies.bare);
  round('full', tallies.full);
}
const frames = rounds * scenes.length * KEY_FRAMES;
console.log(
  `synth scenery: ${scenes.length} scenes x ${KEY_FRAMES} key frames, ${width}x${height}, ${rounds} rounds alternating`,
);
for (const [name, t] of Object.entries(tallies)) {
  console.log(
    `${name === 'bare' ? 'reference: bare boxes' : 'styled facades + plants'}`.padEnd(26) +
      `${String(t.boxes).padStart(5)} boxes  6 cameras ${(t.cameraCpu / frames).toFixed(1).padStart(6)} ms CPU ${(t.cameraWall / frames).toFixed(1).padStart(6)} ms wall  ` +
      `LiDAR sweep ${(t.lidarCpu / frames).toFixed(1).padStart(5)} ms CPU ${(t.lidarWall / frames).toFixed(1).padStart(5)} ms wall`,
  );
}
const { bare, full } = tallies;
console.log(
  `scenery vs reference: cameras ${(full.cameraCpu / bare.cameraCpu).toFixed(2)}x CPU (${(full.cameraWall / bare.cameraWall).toFixed(2)}x wall), ` +
    `LiDAR ${(full.lidarCpu / bare.lidarCpu).toFixed(2)}x CPU (${(full.lidarWall / bare.lidarWall).toFixed(2)}x wall)`,
);
