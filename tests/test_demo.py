"""`make demo` (tools/demo.py) at a tiny budget."""
import json
import os.path as osp
import sys

import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_demo_writes_grid_and_metrics_line(tmp_path):
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import demo
    work = str(tmp_path / 'demo')
    assert demo.main(['--work-dir', work, '--iters', '2',
                      '--num-images', '16']) == 0
    assert osp.isfile(osp.join(work, 'samples', 'iter_000002.png'))
    with open(osp.join(work, 'metrics.jsonl')) as f:
        line = json.loads(f.readlines()[-1])
    assert line['iters'] == 2 and line['model'] == 'SkrGAN'
    for key in ('val/swd_pggan/avg', 'val/ms_ssim/fake', 'val/ms_ssim/real',
                'val/swd/avg'):
        assert np.isfinite(line[key]), key
    assert line['val/swd_pggan/avg'] > 0
