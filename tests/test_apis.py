"""mmskr.apis: seeded sampling and real-image loading."""
import os
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
    assert out1['fake_img'].shape == (3, 1, 64, 64)  # lung CT is grey
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
    assert real.shape == (5, 1, 64, 64) and real.dtype == np.uint8
    assert real.max() > real.min()


def test_load_real_images_reads_other_keys(fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    cfg = Config.fromfile(CONFIG)
    cfg.train_dataloader.dataset.min_images = 1  # the fixture has 8
    sketches = load_real_images(cfg, split='train', max_images=3,
                                key='gt_sketch')
    images = load_real_images(cfg, split='train', max_images=3)
    assert sketches.shape == (3, 1, 64, 64) and sketches.dtype == np.uint8
    assert images.shape == (3, 1, 64, 64)
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


def test_conditional_samples_depend_on_the_seeds_alone(fake_data_root,
                                                       monkeypatch):
    """ACGAN draws a label per image; it comes from the seed, so neither the
    global RNG state nor the batch changes an image, and the labels follow
    the model's class prior."""
    import torch
    from mmskr.apis import seeded_labels
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    model = init_model(osp.join(REPO, 'configs/acgan/acgan_cpu_brainmri.py'),
                       seed=3)
    model.set_class_counts([1, 3])
    torch.manual_seed(0)
    state = torch.random.get_rng_state()
    a = generate_images(model, [5, 6, 7], batch_size=3)['fake_img']
    assert torch.equal(torch.random.get_rng_state(), state)  # untouched
    torch.manual_seed(123)
    b = generate_images(model, [7], batch_size=1)['fake_img']
    assert np.abs(a[2].astype(int) - b[0]).max() <= 1
    labels = seeded_labels(model, range(400))
    assert torch.equal(labels[:3], seeded_labels(model, [0, 1, 2]))
    assert 0.68 < labels.float().mean().item() < 0.82  # p(class 1) = 0.75


def test_sample_set_resumes_to_the_same_files_and_loads_back(
        fake_data_root, monkeypatch, tmp_path):
    """A run stopped after its first batch and run again writes the files
    of an uninterrupted run; the set loads as images and as vessel pairs."""
    import filecmp
    from mmskr.apis.sample_set import read_manifest, write_sample_set
    from mmskr.datasets import MedicalImageDataset, VesselPairDataset
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    model = init_model(CONFIG, seed=7)
    seeds = list(range(10, 16))
    ref = str(tmp_path / 'ref')
    write_sample_set(model, ref, seeds, checkpoint='ck', batch_size=2)

    class Killed(Exception):
        pass

    def kill(done, total):
        raise Killed

    out = str(tmp_path / 'out')
    with pytest.raises(Killed):
        write_sample_set(model, out, seeds, checkpoint='ck', batch_size=2,
                         progress=kill)
    assert len(read_manifest(out)) == 2
    os.remove(osp.join(out, 'masks', 'mask_000011.png'))  # a lost file
    calls = []
    rows = write_sample_set(model, out, seeds, checkpoint='ck', batch_size=2,
                            progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)  # seed 11 again, and 12..15
    assert [int(r['seed']) for r in rows] == seeds
    for sub in ('images', 'sketches', 'masks'):
        names = sorted(os.listdir(osp.join(ref, sub)))
        assert names == sorted(os.listdir(osp.join(out, sub)))
        match, bad, err = filecmp.cmpfiles(osp.join(ref, sub),
                                           osp.join(out, sub), names,
                                           shallow=False)
        assert not bad and not err
    assert open(osp.join(ref, 'manifest.csv')).read().count('\n') == 7
    with pytest.raises(ValueError, match='written from'):
        write_sample_set(model, out, seeds, checkpoint='other')
    images = MedicalImageDataset(data_root=out, data_prefix='images')
    assert len(images) == 6
    pairs = VesselPairDataset(out)
    assert len(pairs) == 6
    info = pairs[0]
    assert info['img'].shape == (64, 64, 3)
    assert set(np.unique(info['vessel'])) <= {0, 1}
    assert info['sample_id'] == 'images/image_000010.png'
