"""Runs the reference nuscenes-devkit detection evaluation on our inputs (not part of the package).

Needs the devkit's python-sdk and pyquaternion on PYTHONPATH (see make-devkit-fixtures.ts), Debian's
python3-numpy/scipy/matplotlib/shapely/tqdm/cachetools, and stand-ins for cv2 and sklearn (imported by the
devkit but unused by detection evaluation).

  devkit-runner.py cases IN.json OUT.json
      IN: [{gt, pred}] in EvalBoxes form (NaN as null). OUT: [{expected, metric_data_car_2.0}] with NaN as null,
      expected = DetectionMetrics.serialize() without eval_time and cfg, as in the shipped fixtures.
  devkit-runner.py files GT.json RESULTS.json OUT_DIR
      Loads a submission and EvalBoxes GT exactly as `DetectionEval` does (load_prediction + deserialize),
      evaluates without filtering, writes OUT_DIR/metrics_summary.json and prints the wall time in seconds.
"""
import json
import os
import sys
import time

from nuscenes.eval.common.config import config_factory
from nuscenes.eval.common.data_classes import EvalBoxes
from nuscenes.eval.common.loaders import load_prediction
from nuscenes.eval.detection.data_classes import DetectionBox
from nuscenes.eval.detection.evaluate import DetectionEval


def nan_velocity(boxes):
    for box_list in boxes.values():
        for box in box_list:
            box['velocity'] = [float('nan') if v is None else v for v in box['velocity']]
    return boxes


def nulls(x):
    if isinstance(x, dict):
        return {k: nulls(v) for k, v in x.items()}
    if isinstance(x, list):
        return [nulls(v) for v in x]
    if isinstance(x, float) and x != x:
        return None
    return x


def evaluator(gt_boxes, pred_boxes):
    ev = DetectionEval.__new__(DetectionEval)
    ev.cfg = config_factory('detection_cvpr_2019')
    ev.verbose = False
    ev.gt_boxes = gt_boxes
    ev.pred_boxes = pred_boxes
    assert set(pred_boxes.sample_tokens) == set(gt_boxes.sample_tokens), \
        "Samples in split doesn't match samples in predictions."
    return ev


def run_cases(in_path, out_path):
    out = []
    for case in json.load(open(in_path)):
        gt = EvalBoxes.deserialize(nan_velocity(case['gt']), DetectionBox)
        pred = EvalBoxes.deserialize(nan_velocity(case['pred']), DetectionBox)
        metrics, md_list = evaluator(gt, pred).evaluate()
        summary = metrics.serialize()
        del summary['eval_time']
        del summary['cfg']
        out.append({'expected': summary, 'metric_data_car_2.0': md_list[('car', 2.0)].serialize()})
    json.dump(nulls(out), open(out_path, 'w'))


def run_files(gt_path, results_path, out_dir):
    start = time.time()
    pred, meta = load_prediction(results_path, 500, DetectionBox)
    with open(gt_path) as f:
        gt = EvalBoxes.deserialize(nan_velocity(json.load(f)), DetectionBox)
    metrics, _ = evaluator(gt, pred).evaluate()
    summary = metrics.serialize()
    summary['meta'] = meta
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'metrics_summary.json'), 'w') as f:
        json.dump(nulls(summary), f, indent=2)
    print('%.3f' % (time.time() - start))


if __name__ == '__main__':
    if sys.argv[1] == 'cases':
        run_cases(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'files':
        run_files(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit('usage: devkit-runner.py cases IN OUT | files GT RESULTS OUT_DIR')
