"""Checks a synthetic dataroot's lanes with the official nuscenes-devkit map API (not run by the tests).

Needs the devkit's python-sdk and pyquaternion on PYTHONPATH, Debian's python3-numpy/shapely/matplotlib/opencv/
sklearn, and a stand-in `descartes` module (imported by the map API, used only for drawing).

  devkit-lanes.py DATAROOT [VERSION]

Per map location: every lane and lane connector discretised by the devkit (arcline_path_utils.discretize_lane,
0.5 m) lies in its lane polygon (the furthest pose outside it, cm), its arcline pieces join up, and it meets each
outgoing lane where that one starts (mm); every key frame's ego pose is near the centreline of the lane the
devkit finds closest (get_closest_lane). Exits 1 when a join is over 1 cm or a pose over 2 cm outside its lane.
"""
import math
import sys

import numpy as np
from shapely.geometry import Point

from nuscenes.map_expansion import arcline_path_utils
from nuscenes.map_expansion.map_api import NuScenesMap
from nuscenes.nuscenes import NuScenes

POSE_STEP_M = 0.5


def lane_poses(nusc_map, token):
    return np.array(arcline_path_utils.discretize_lane(nusc_map.get_arcline_path(token), POSE_STEP_M))


def check_lanes(nusc_map):
    """Furthest discretised pose outside its lane polygon and the widest join, metres; arcline pieces."""
    outside, join, pieces = 0.0, 0.0, 0
    for record in nusc_map.lane + nusc_map.lane_connector:
        paths = nusc_map.get_arcline_path(record['token'])
        pieces += len(paths)
        polygon = nusc_map.extract_polygon(record['polygon_token'])
        for x, y, _ in lane_poses(nusc_map, record['token']):
            outside = max(outside, polygon.distance(Point(x, y)))
        for a, b in zip(paths, paths[1:]):
            join = max(join, math.dist(a['end_pose'][:2], b['start_pose'][:2]))
        for outgoing in nusc_map.get_outgoing_lane_ids(record['token']):
            start = nusc_map.get_arcline_path(outgoing)[0]['start_pose']
            join = max(join, math.dist(paths[-1]['end_pose'][:2], start[:2]))
    return outside, join, pieces


def ego_positions(nusc, location):
    for scene in nusc.scene:
        if nusc.get('log', scene['log_token'])['location'] != location:
            continue
        token = scene['first_sample_token']
        while token:
            sample = nusc.get('sample', token)
            lidar = nusc.get('sample_data', sample['data']['LIDAR_TOP'])
            yield nusc.get('ego_pose', lidar['ego_pose_token'])['translation'][:2]
            token = sample['next']


def check_ego(nusc, nusc_map, location):
    """Key frames with a lane within 5 m, and the furthest of them from that lane's centreline, metres."""
    frames, furthest = 0, 0.0
    for x, y in ego_positions(nusc, location):
        token = nusc_map.get_closest_lane(x, y, radius=5)
        if not token:
            continue
        poses = lane_poses(nusc_map, token)
        furthest = max(furthest, float(np.min(np.hypot(poses[:, 0] - x, poses[:, 1] - y))))
        frames += 1
    return frames, furthest


def main():
    dataroot = sys.argv[1]
    version = sys.argv[2] if len(sys.argv) > 2 else 'v1.0-mini'
    nusc = NuScenes(version=version, dataroot=dataroot, verbose=False)
    failed = False
    for location in sorted({nusc.get('log', s['log_token'])['location'] for s in nusc.scene}):
        nusc_map = NuScenesMap(dataroot=dataroot, map_name=location)
        outside, join, pieces = check_lanes(nusc_map)
        frames, furthest = check_ego(nusc, nusc_map, location)
        print(f'{location}: {len(nusc_map.lane)} lanes, {len(nusc_map.lane_connector)} connectors, {pieces} arcline '
              f'pieces; furthest discretised pose outside its lane {outside * 100:.2f} cm, widest join '
              f'{join * 1000:.2f} mm; {frames} ego key frames with a lane within 5 m, the furthest '
              f'{furthest:.2f} m from its centreline')
        failed = failed or join > 0.01 or outside > 0.02
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
