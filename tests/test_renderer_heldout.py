"""The renderer's held-out protocol (benchmarks/renderer_heldout.py)."""
import json
import os.path as osp

import pytest

from experiments.renderer_heldout import (ARMS, renderer_config,
                                          split_halves)
from training_runs import load_cli

CONFIG = 'configs/skrgan/skrgan_cpu_fundus.py'


def test_halves_are_seeded_disjoint_and_cover_the_set():
    a = split_halves(21, seed=0)
    assert a == split_halves(21, seed=0) != split_halves(21, seed=1)
    assert len(a['train']) == 11 and len(a['heldout']) == 10
    assert sorted(a['train'] + a['heldout']) == list(range(21))


def test_renderer_config_is_skrgans_render_module_on_half_the_images(
        tmp_path):
    cfg = renderer_config(CONFIG, [0, 2, 4], str(tmp_path), ARMS['augment'])
    assert cfg.model.type == 'SketchRenderer'
    assert cfg.model.pair_augment == ARMS['augment']
    assert cfg.model.data_preprocessor.data_keys == ['gt_img', 'gt_sketch']
    assert cfg.model.loss_config.pixel_loss_weight == 100.
    assert cfg.optim_wrapper.constructor == 'MultiOptimWrapperConstructor'
    assert set(cfg.optim_wrapper) >= {'generators', 'discriminators'}
    assert cfg.train_dataloader.dataset.indices == [0, 2, 4]
    assert cfg.train_dataloader.dataset.data_root == str(tmp_path)
    assert cfg.custom_hooks == [] and cfg.val_dataloader is None


@pytest.mark.realdata
def test_heldout_protocol_runs_end_to_end(tmp_path, data_root):
    """Two iterations of the ``augment`` arm on the DRIVE images: the
    renderer trains on 10 of the 20, and the row scores both halves."""
    main = load_cli('benchmarks/renderer_heldout.py').main
    results = str(tmp_path / 'r.jsonl')
    assert main([
        CONFIG, '--data-root', data_root, '--arms', 'augment',
        '--iters', '2', '--no-frd', '--work-dir', str(tmp_path / 'w'),
        '--results', results, '--cfg-options', 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False'
    ]) == 0
    row = json.loads(open(results).read())
    assert row['images'] == dict(train=10, heldout=10)
    assert row['pair_augment'] == ARMS['augment']
    for half in ('train', 'heldout', 'real_floor'):
        assert set(row[half]['swd']) == {'64', '32', '16', 'avg'}
        assert row[half]['swd']['avg'] > 0
    assert osp.isfile(tmp_path / 'w' / 'skrgan_cpu_fundus' / 'augment' /
                      'seed0' / 'iter_2.pth')
