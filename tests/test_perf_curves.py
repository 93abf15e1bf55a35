"""experiments.perf_curves: loss curves of real short runs, compared in
units of the seed spread."""
import json
import os

import pytest

from experiments.perf_curves import (curve_deviation, loss_curves,
                                     train_curve)


def test_deviation_in_units_of_the_seed_spread():
    ref = {'loss_gen': [1.0, 2.0, 3.0, 2.0], 'loss_disc': [1.0] * 4}
    same = {k: list(v) for k, v in ref.items()}
    seed = {'loss_gen': [2.0, 3.0, 1.0, 2.0], 'loss_disc': [1.5] * 4,
            'loss_extra': [9.0] * 4}
    out = curve_deviation(same, ref, seed)
    assert out['deviation'] == 0 and out['ratio'] == 0
    assert out['losses'] == ['loss_disc', 'loss_gen']  # shared ones only
    # gen: mean |gap| 1.0 over mean |ref| 2.0; disc: 0.5 over 1.0
    assert out['seed_deviation'] == pytest.approx(0.5)
    half = {'loss_gen': [1.5, 2.5, 2.0, 2.0], 'loss_disc': [1.25] * 4}
    out = curve_deviation(half, ref, seed)
    assert out['ratio'] == pytest.approx(0.5)  # per loss: 0.5/1 and .25/.5
    # a loss that is zero in every run (ACGAN's class loss, one class) has
    # no scale: left out, not an infinite gap
    zero = {'loss_cls': [0.0] * 4}
    out = curve_deviation(dict(half, **zero), dict(ref, **zero),
                          dict(seed, **zero))
    assert out['losses'] == ['loss_disc', 'loss_gen']
    assert out['ratio'] == pytest.approx(0.5)
    with pytest.raises(ValueError, match='no loss in common'):
        curve_deviation({'a_loss': [1.0]}, ref, seed)


def test_loss_curves_read_the_runs_scalars_in_order(tmp_path):
    vis = tmp_path / '20261204_000000' / 'vis_data'
    os.makedirs(vis)
    with open(vis / 'scalars.json', 'w') as f:
        for it, loss in [(20, 0.5), (10, 1.0)]:
            f.write(json.dumps(dict(iter=it, loss_gen=loss, lr=1e-4)) + '\n')
    assert loss_curves(str(tmp_path)) == {'loss_gen': [1.0, 0.5]}
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        loss_curves(str(tmp_path / 'empty'))


def test_train_curve_runs_the_real_trainer(fake_data_root, tmp_path):
    """Four iterations of the DCGAN config through tools/train.py with
    channels_last log every loss at every iteration."""
    out = train_curve('configs/dcgan/dcgan_cpu_lungct.py', fake_data_root,
                      str(tmp_path / 'run'), 'channels_last', seed=1,
                      iters=4, window=1, threads=1,
                      cfg_options=['train_dataloader.batch_size=4',
                                   'train_dataloader.dataset.min_images=4'])
    assert 'error' not in out, out
    assert {'loss_gen', 'loss_disc_fake', 'loss_disc_real'} <= set(
        out['curves'])
    assert all(len(v) == 4 for v in out['curves'].values())
