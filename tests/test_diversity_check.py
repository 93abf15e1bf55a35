"""benchmarks/diversity_check.py: the collapse check replayed on the
checkpoints of a finished run."""
import glob
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from training_runs import load_cli

from mmskr.apis import load_real_images
from mmskr.evaluation.functional.ms_ssim import ms_ssim_diversity

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs/dcgan/dcgan_cpu_lungct.py')


def test_checks_every_checkpoint_of_a_baseline_run(fake_data_root, tmp_path,
                                                   monkeypatch):
    """Two iterations of the CPU DCGAN (8 lung CT images), a checkpoint
    after each; the script measures both against 4 evenly spaced training
    images and writes one row, a 16-sample grid and a summary."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    work = str(tmp_path / 'work')
    load_cli('tools/train.py').main([
        CONFIG, '--data-root', fake_data_root, '--work-dir', work,
        '--cfg-options', 'train_cfg.max_iters=2',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=4', 'val_dataloader=None',
        'val_cfg=None', 'val_evaluator=None',
        'default_hooks.checkpoint.interval=1'
    ])
    out, grid = str(tmp_path / 'rows.jsonl'), str(tmp_path / 'grid.png')
    load_cli('benchmarks/diversity_check.py').main([
        work, '--data-root', fake_data_root, '--num-real', '4', '--shares',
        '0.5', '2', '--out', out, '--grid', grid
    ])
    with open(out) as f:
        rows = [json.loads(line) for line in f]
    assert len(rows) == 1
    row = rows[0]
    assert row['config'] == 'dcgan_cpu_lungct.py' and row['num_real'] == 4
    real = load_real_images(
        CONFIG, split='train', data_root=fake_data_root,
        cfg_options={'train_dataloader.dataset.min_images': 4})
    assert len(real) == 8  # evenly spaced: items 0, 2, 5, 7
    assert row['real_ms_ssim'] == pytest.approx(
        ms_ssim_diversity(real[[0, 2, 5, 7]], seed=0))
    assert [c['checkpoint'] for c in row['checkpoints']] == [
        'iter_1.pth', 'iter_2.pth'
    ]
    for c in row['checkpoints']:
        kept = (1 - c['ms_ssim']) / (1 - row['real_ms_ssim'])
        assert c['kept'] == pytest.approx(kept)
        assert c['flagged'] == {'0.5': kept < 0.5, '2.0': kept < 2}
        assert c['pixel_std'] >= 0
    image = cv2.imread(grid)
    assert image.shape[0] == 64 + 2 * 2  # one row of 64 px samples + pads
    assert image.shape[1] > 16 * 64


def test_a_folder_that_is_not_a_run_is_refused(tmp_path):
    (tmp_path / 'cfg.py').write_text('x = 1\n')
    with pytest.raises(SystemExit, match='iter_.*pth checkpoints'):
        load_cli('benchmarks/diversity_check.py').main([str(tmp_path)])
    assert not glob.glob(str(tmp_path / '*.jsonl'))
