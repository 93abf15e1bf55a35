"""benchmarks/skrgan_diagnose.py: the two halves of SkrGAN scored apart."""
import os.path as osp
import sys

import numpy as np
import pytest
from mmengine import Config


REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import skrgan_diagnose  # noqa: E402

CONFIG = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')


def test_rgb_repeats_one_channel_only():
    one = np.arange(8, dtype=np.uint8).reshape(2, 1, 2, 2)
    assert skrgan_diagnose.rgb(one).shape == (2, 3, 2, 2)
    assert np.array_equal(skrgan_diagnose.rgb(one)[:, 2], one[:, 0])
    three = np.zeros((2, 3, 2, 2), np.uint8)
    assert skrgan_diagnose.rgb(three) is three


def test_diagnose_untrained_model_with_ema(fake_data_root, monkeypatch,
                                         tmp_path):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    cfg = Config.fromfile(CONFIG)
    cfg.model.sketch_gan.ema_config = dict(interval=1, momentum=0.01)
    cfg.train_dataloader.dataset.min_images = 1  # the fixture has 8
    out = skrgan_diagnose.diagnose(cfg, None, num_fake=8,
                                   grid=str(tmp_path / 'grid.png'))
    import cv2
    grid = cv2.imread(str(tmp_path / 'grid.png'))
    # 3 rows of 8 cells of 128 px (64 px enlarged twice), 2 px gaps
    assert grid.shape[0] >= 3 * 128 and grid.shape[1] >= 8 * 128
    assert out['real']['num'] == 8
    assert 0 < out['real']['ms_ssim_sketches'] <= 1
    assert out['real']['swd_halves'] > 0
    drafts = out['real']['connectivity_sketches']
    assert drafts['num'] == 8 and drafts['components'] >= 1
    assert set(out['samples']) == {'orig', 'ema'}
    # an untrained EMA generator is a copy of G_S: same samples
    assert out['samples']['ema'] == out['samples']['orig']
    for k, v in out['samples']['orig'].items():
        if k == 'connectivity_sketches':
            assert v['num'] == 8 and 0 <= v['largest'] <= 1
        elif k.endswith('_levels'):  # SWD per level and their mean
            assert set(v) == {'64', '32', '16', 'avg'}
            per_level = [v[r] for r in ('64', '32', '16')]
            assert np.isclose(v['avg'], np.mean(per_level))
        else:
            assert np.isfinite(v) and v > 0
    orig = out['samples']['orig']
    assert orig['swd_levels']['avg'] == orig['swd']
    assert orig['swd_sketches_levels']['avg'] == orig['swd_sketches']
    assert out['rendered_real_sketches']['swd'] > 0
    assert (out['rendered_real_sketches']['swd_levels']['avg'] ==
            out['rendered_real_sketches']['swd'])
    calibrated = out['samples_calibrated']
    assert calibrated['sample_model'] == 'ema'
    assert calibrated['swd'] > 0 and calibrated['swd'] != orig['swd']


def test_main_refuses_an_empty_work_dir(
        fake_data_root, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    assert skrgan_diagnose.main([CONFIG, str(tmp_path)]) == 1
    assert 'no complete checkpoint' in capsys.readouterr().err


def test_diagnose_refuses_a_model_without_renderer(fake_data_root,
                                                   monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    with pytest.raises(TypeError, match='not a SkrGAN config'):
        skrgan_diagnose.diagnose(
            osp.join(REPO, 'configs/dcgan/dcgan_cpu_lungct.py'), None, 2)
