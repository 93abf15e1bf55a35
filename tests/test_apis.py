"""mmskr.apis: seeded sampling and real-image loading."""
import os.path as osp

import numpy as np
import pytest
from mmengine import Config


from mmskr.apis import (generate_images, init_model, load_real_images,
                        seeded_noise)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')


def test_seeded_noise_depends_only_on_the_seed():
    a = seeded_noise([3, 4], 8)
    b = seeded_noise([4], 8)
    assert a.shape == (2, 8)
    assert np.array_equal(a[1].numpy(), b[0].numpy())


def test_untrained_model_and_samples_are_reproducible(fake_data_root,
                                                      monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    m1 = init_model(CONFIG, seed=7)
    m2 = init_model(CONFIG, seed=7)
    out1 = generate_images(m1, [0, 1, 2], batch_size=3)
    out2 = generate_images(m2, [2], batch_size=1)
    assert out1['fake_img'].shape == (3, 3, 64, 64)
    assert out1['fake_img'].dtype == np.uint8
    assert out1['fake_sketch'].shape == (3, 1, 64, 64)
    # image of seed 2 does not depend on the batch it was drawn in
    diff = np.abs(out1['fake_img'][2].astype(int) - out2['fake_img'][0])
    assert diff.max() <= 1
    assert not np.array_equal(out1['fake_img'][0], out1['fake_img'][1])
    with pytest.raises(ValueError, match='at least one seed'):
        generate_images(m1, [])
    with pytest.raises(FileNotFoundError, match='no such checkpoint'):
        init_model(CONFIG, 'missing.pth')


def test_load_real_images(fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    real = load_real_images(CONFIG, max_images=5)
    assert real.shape == (5, 3, 64, 64) and real.dtype == np.uint8
    assert real.max() > real.min()


def test_load_real_images_reads_other_keys(fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    cfg = Config.fromfile(CONFIG)
    cfg.train_dataloader.dataset.min_images = 1  # the fixture has 8
    sketches = load_real_images(cfg, split='train', max_images=3,
                                key='gt_sketch')
    images = load_real_images(cfg, split='train', max_images=3)
    assert sketches.shape == (3, 1, 64, 64) and sketches.dtype == np.uint8
    assert images.shape == (3, 3, 64, 64)
    with pytest.raises(KeyError, match="gives no gt_sketch.*data_keys"):
        load_real_images(CONFIG, max_images=1, key='gt_sketch')


def test_generate_images_samples_the_ema_generator_by_default(
        fake_data_root, monkeypatch):
    """mmagic's rule: a model with an EMA generator is sampled through it
    unless the caller asks for 'orig' (SkrGAN's and PGGAN's configs track
    one)."""
    import torch
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    model = init_model(CONFIG, seed=3)
    assert model.sketch_gan.with_ema_gen
    # make the EMA differ from the trained weights
    with torch.no_grad():
        for p in model.sketch_gan.generator_ema.parameters():
            p.mul_(0.5)
    seeds = [0, 1, 2, 3]
    default = generate_images(model, seeds)
    ema = generate_images(model, seeds, sample_model='ema')
    orig = generate_images(model, seeds, sample_model='orig')
    assert np.array_equal(default['fake_sketch'], ema['fake_sketch'])
    assert np.array_equal(default['fake_img'], ema['fake_img'])
    assert not np.array_equal(default['fake_sketch'], orig['fake_sketch'])
