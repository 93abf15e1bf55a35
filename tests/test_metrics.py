"""Metrics: PGGAN-protocol SWD, MS-SSIM diversity, FID/KID via clean-fid.

Images are small (32-64 px) procedural sets: a dark background with random
coloured strokes and a disc, plus sensor noise.
"""
import math
import os
import os.path as osp
import socket
import urllib.request

import cv2
import numpy as np
import pytest
import torch

import mmskr  # noqa: F401  (registers; numpy-2 fixes before mmagic)
from mmskr.evaluation import functional as F
from mmskr.evaluation.functional import fid as fid_module


def _strokes(num: int, size: int, seed: int) -> np.ndarray:
    """(num, 3, size, size) uint8 RGB images with random strokes."""
    rng = np.random.default_rng(seed)
    out = np.empty((num, size, size, 3), np.uint8)
    for k in range(num):
        img = np.full((size, size, 3), 40, np.uint8)
        for _ in range(6):
            p = rng.integers(0, size, 4)
            colour = tuple(int(v) for v in rng.integers(80, 255, 3))
            cv2.line(img, (int(p[0]), int(p[1])), (int(p[2]), int(p[3])),
                     colour, int(rng.integers(1, 4)))
        centre = tuple(int(v) for v in rng.integers(size // 6, size * 5 // 6,
                                                    2))
        cv2.circle(img, centre, size // 10, (220, 200, 120), -1)
        noisy = img + rng.normal(0, 4, img.shape)
        out[k] = np.clip(noisy, 0, 255).astype(np.uint8)
    return out.transpose(0, 3, 1, 2)


def _blur(images: np.ndarray, sigma: float) -> np.ndarray:
    return np.stack([
        cv2.GaussianBlur(img.transpose(1, 2, 0), (0, 0),
                         sigma).transpose(2, 0, 1) for img in images
    ])


@pytest.fixture(scope='module')
def real() -> np.ndarray:
    return _strokes(24, 64, seed=1)


@pytest.fixture(scope='module')
def other(real) -> np.ndarray:
    """A second sample of the same distribution as ``real``."""
    return _strokes(24, 64, seed=2)


# --------------------------------------------------------------------- SWD


def test_swd_is_zero_for_identical_sets(real):
    result = F.pggan_swd(real, real.copy())
    assert list(result) == ['64', '32', '16', F.SWD_AVG_KEY]
    assert all(v == 0.0 for v in result.values())


def test_swd_grows_with_blur(real, other):
    values = [F.pggan_swd(real, _blur(real, s))['avg'] for s in (0.5, 1, 2)]
    assert 0 < values[0] < values[1] < values[2]
    # sigma 2 is beyond the value of an independent sample of the same set
    assert values[2] > F.pggan_swd(real, other)['avg']


def test_swd_grows_with_shift(real):
    # spatial shift (zero-filled), 4, 8 and 16 px
    moved = [
        F.pggan_swd(real, np.pad(real, ((0, 0), (0, 0), (0, 0),
                                        (k, 0)))[..., :64])['avg']
        for k in (4, 8, 16)
    ]
    assert 0 < moved[0] < moved[1] < moved[2]
    # intensity shift of +-d grey levels, random per image
    sign = np.random.default_rng(5).choice([-1, 1], (len(real), 1, 1, 1))
    lit = [
        F.pggan_swd(real, np.clip(real + sign * d, 0, 255))['avg']
        for d in (10, 30, 60)
    ]
    assert 0 < lit[0] < lit[1] < lit[2]


def test_swd_ignores_a_uniform_offset_of_the_whole_set(real, other):
    """Each descriptor set is normalised by its own mean and std (PGGAN's
    ``finalize_descriptors``): shifting every image alike (no clipping)
    does not register. This is the protocol, documented in the docs."""
    base = real.astype(np.float32) * 0.75
    assert F.pggan_swd(base, base + 60)['avg'] < 0.05
    assert F.pggan_swd(real, other)['avg'] > 10


def test_swd_does_not_depend_on_batch_size_and_is_seeded(real, other):
    reference = F.pggan_swd(real, other, seed=0)
    for batch_size in (1, 5, 64):
        assert F.pggan_swd(real, other, batch_size=batch_size) == reference
    assert F.pggan_swd(torch.from_numpy(real), other) == reference
    reseeded = F.pggan_swd(real, other, seed=1)
    assert reseeded != reference
    assert reseeded['avg'] == pytest.approx(reference['avg'], rel=0.3)


def test_swd_pyramid_matches_opencv():
    """The reference's pyr_down/pyr_up 'match cv2.pyrDown()/pyrUp()'."""
    img = np.random.default_rng(0).uniform(0, 255, (1, 3, 32, 32))
    pyramid = F.laplacian_pyramid(img.astype(np.float32), 2)
    hwc = img[0].transpose(1, 2, 0).astype(np.float32)
    down = cv2.pyrDown(hwc)
    np.testing.assert_allclose(pyramid[1][0].transpose(1, 2, 0), down,
                               atol=1e-3)
    np.testing.assert_allclose(pyramid[0][0].transpose(1, 2, 0),
                               hwc - cv2.pyrUp(down), atol=1e-3)


def test_wasserstein1d_exact_for_unequal_sizes():
    from scipy.stats import wasserstein_distance
    rng = np.random.default_rng(0)
    a = np.sort(rng.normal(size=(30, 3)), axis=0)
    b = np.sort(rng.normal(0.5, 2, size=(47, 3)), axis=0)
    expected = [wasserstein_distance(a[:, k], b[:, k]) for k in range(3)]
    np.testing.assert_allclose(F.wasserstein1d_sorted(a, b), expected)
    np.testing.assert_allclose(
        F.wasserstein1d_sorted(a, a[::-1].copy()[::-1]), 0)


def test_swd_levels_and_input_errors():
    assert F.swd_resolutions(512) == [512, 256, 128, 64, 32, 16]
    assert F.swd_resolutions(64) == [64, 32, 16]
    with pytest.raises(ValueError, match='at least 16 px'):
        F.swd_resolutions(8)
    with pytest.raises(ValueError, match='level 33 px is odd'):
        F.swd_resolutions(132)
    with pytest.raises(ValueError, match=r'\[0, 255\]'):
        F.pggan_swd(np.full((2, 3, 16, 16), 300.), np.zeros((2, 3, 16, 16)))
    with pytest.raises(ValueError, match='same'):
        F.pggan_swd(np.zeros((2, 3, 32, 32)), np.zeros((2, 1, 32, 32)))


def _mmagic_swd(real: np.ndarray, fake: np.ndarray) -> dict:
    """mmagic 1.2's SWD metric on the same arrays (its global RNGs fixed)."""
    from mmagic.evaluation import SlicedWassersteinDistance
    np.random.seed(0)
    torch.manual_seed(0)
    metric = SlicedWassersteinDistance(
        fake_nums=len(fake), image_shape=real.shape[1:])
    metric.process(None, [
        dict(gt_img=torch.from_numpy(r).float(),
             fake_img=torch.from_numpy(f).float())
        for r, f in zip(real, fake)
    ])
    return metric.evaluate()


def test_mmagic_swd_and_pggan_swd_on_the_same_inputs(real, other):
    """mmagic's ``SWD`` is not the PGGAN protocol (numbers in
    docs/metrics.md): at most 4 levels (512 px: 512..64, the protocol goes
    down to 16), zero-padded borders and nearest-neighbour upsampling in the
    pyramid, patches and directions from unseeded global RNGs, so two
    identical sets do not give 0. Both normalise each set by itself."""
    from mmagic.evaluation import SlicedWassersteinDistance
    levels = SlicedWassersteinDistance(1, (3, 512, 512)).resolutions
    assert levels == [512, 256, 128, 64]
    assert len(F.swd_resolutions(512)) == 6

    ours_same = F.pggan_swd(real, real)
    theirs_same = _mmagic_swd(real, real)
    assert ours_same['avg'] == 0
    assert theirs_same['avg'] > 1  # independent patches of the same images

    ours = F.pggan_swd(real, other)
    theirs = _mmagic_swd(real, other)
    assert set(ours) == set(theirs) == {'64', '32', '16', 'avg'}
    # same order of magnitude (x1e3 both), not the same numbers
    assert 0.3 < theirs['avg'] / ours['avg'] < 3
    assert abs(theirs['avg'] - ours['avg']) > 1e-3
    # the Laplacian levels differ by border handling and upsampling
    from mmagic.evaluation.metrics.swd import (get_gaussian_kernel,
                                               laplacian_pyramid)
    x = torch.from_numpy(real[:2]).float()
    theirs_pyr = laplacian_pyramid(x, 2, get_gaussian_kernel())
    ours_pyr = F.laplacian_pyramid(real[:2].astype(np.float32), 3)
    assert not np.allclose(theirs_pyr[0].numpy(), ours_pyr[0], atol=1)


# ----------------------------------------------------------------- MS-SSIM


def test_ms_ssim_is_one_for_identical_pairs(real):
    pairs = np.stack([np.arange(len(real))] * 2, axis=1)
    np.testing.assert_allclose(F.ms_ssim_pairs(real, pairs), 1, atol=1e-6)
    copies = np.repeat(real[:1], 6, axis=0)
    assert F.ms_ssim_diversity(copies) == pytest.approx(1, abs=1e-6)


def test_ms_ssim_scales_for_small_images():
    assert [F.ms_ssim_num_scales(s, s)
            for s in (512, 176, 175, 64, 32, 16)] == [5, 5, 4, 3, 2, 1]
    with pytest.raises(ValueError, match='at least 11 px'):
        F.ms_ssim_num_scales(8, 8)
    np.testing.assert_allclose(F.ms_ssim_weights(5), F.MS_SSIM_WEIGHTS)
    assert F.ms_ssim_weights(3).sum() == pytest.approx(
        sum(F.MS_SSIM_WEIGHTS))
    with pytest.raises(ValueError, match='divisible by 4'):
        F.ms_ssim_diversity(np.zeros((2, 3, 50, 50)))


def test_ms_ssim_from_176_px_is_mmagics(real):
    """5 scales: mmagic's ms_ssim (PGGAN's) on sizes it accepts; it fails
    on 176 px (it downsamples the 11 px last scale once more)."""
    from mmagic.evaluation.metrics.ms_ssim import ms_ssim

    def resized(size):
        return np.stack([
            cv2.resize(i.transpose(1, 2, 0), (size, size)) for i in real[:4]
        ]).astype(np.float32)

    big = resized(192)
    expected = ms_ssim(big[0::2], big[1::2], reduce_mean=False)
    ours = F.ms_ssim_pairs(big.transpose(0, 3, 1, 2), [[0, 1], [2, 3]])
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    big = resized(176)
    with pytest.raises(ValueError, match='broadcast'):
        ms_ssim(big[0::2], big[1::2])
    pair = np.stack([big[0], cv2.GaussianBlur(big[0], (0, 0), 1)])
    assert 0.5 < F.ms_ssim_pairs(pair.transpose(0, 3, 1, 2), [[0, 1]]) < 1


def test_ms_ssim_diversity_orders_sets(real):
    rng = np.random.default_rng(0)
    near_copies = np.clip(real[:1] + rng.normal(0, 3, (12, 3, 64, 64)), 0,
                          255)
    diverse = F.ms_ssim_diversity(real)
    assert F.ms_ssim_diversity(near_copies) > diverse + 0.2
    assert 0 < diverse < 1
    # seeded pairs; more pairs = more rounds of shuffles
    assert F.ms_ssim_diversity(real, 20, seed=3) == F.ms_ssim_diversity(
        real, 20, seed=3)
    pairs = F.random_pairs(24, 30, seed=1)
    assert pairs.shape == (30, 2) and (pairs[:, 0] != pairs[:, 1]).all()
    assert len(np.unique(pairs[:12])) == 24  # one round: disjoint pairs


# --------------------------------------------------------------------- FID


def test_frechet_distance_on_known_gaussians():
    rng = np.random.default_rng(0)
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2
    assert F.frechet_distance(1., 4., 3., 9.) == pytest.approx(4 + 1)
    # commuting covariances: |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    a, b = rng.uniform(0.1, 4, 8), rng.uniform(0.1, 4, 8)
    mu1, mu2 = rng.normal(size=8), rng.normal(size=8)
    expected = ((mu1 - mu2)**2).sum() + ((np.sqrt(a) - np.sqrt(b))**2).sum()
    got = F.frechet_distance(mu1, q @ np.diag(a) @ q.T, mu2,
                             q @ np.diag(b) @ q.T)
    assert got == pytest.approx(expected, rel=1e-9)
    # general covariances: clean-fid's scipy.linalg.sqrtm formula
    from cleanfid.fid import frechet_distance as cleanfid_frechet
    c1, c2 = rng.normal(size=(2, 16, 16))
    s1, s2 = c1 @ c1.T + np.eye(16), c2 @ c2.T + np.eye(16)
    assert F.frechet_distance(mu1[:1].repeat(16), s1, mu2[:1].repeat(16),
                              s2) == pytest.approx(
                                  cleanfid_frechet(mu1[:1].repeat(16), s1,
                                                   mu2[:1].repeat(16), s2),
                                  rel=1e-9)


def test_frechet_from_features_small_sets():
    """N < D: the nuclear-norm path equals the covariance path."""
    rng = np.random.default_rng(1)
    f1, f2 = rng.normal(size=(10, 40)), rng.normal(1, 2, size=(14, 40))
    direct = F.frechet_distance(*F.feature_statistics(f1),
                                *F.feature_statistics(f2))
    assert F.frechet_distance_from_features(f1, f2) == pytest.approx(
        direct, rel=1e-6)
    assert abs(F.frechet_distance_from_features(f1, f1)) < 1e-9


def test_kid_matches_clean_fid():
    from cleanfid.fid import kernel_distance
    rng = np.random.default_rng(2)
    f1, f2 = rng.normal(size=(30, 64)), rng.normal(0.3, 1, size=(25, 64))
    np.random.seed(7)
    expected = kernel_distance(f1, f2, num_subsets=10, max_subset_size=20)
    kid, kid_std = F.kernel_inception_distance(
        f1, f2, num_subsets=10, max_subset_size=20, seed=7)
    assert kid == pytest.approx(expected, rel=1e-12)
    assert kid_std > 0


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) every attempt to reach the network."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError('network refused by the test')

    import requests
    monkeypatch.setattr(socket.socket, 'connect', refuse)
    monkeypatch.setattr(urllib.request, 'urlopen', refuse)
    monkeypatch.setattr(requests.Session, 'request', refuse)
    return attempts


@pytest.fixture
def no_weights(tmp_path, monkeypatch):
    """Empty clean-fid and mmagic caches, no environment variable."""
    monkeypatch.delenv(F.INCEPTION_ENV, raising=False)
    monkeypatch.setattr(fid_module, 'CLEANFID_CACHE_DIR',
                        str(tmp_path / 'cleanfid'))
    monkeypatch.setattr(fid_module, 'MMAGIC_INCEPTION_DIR',
                        str(tmp_path / 'mmagic'))
    return tmp_path


def test_fid_without_weights_is_na_with_the_message(real, other, no_weights,
                                                    no_network):
    result = F.compute_fid_kid(real, other)
    assert not result.available
    assert all(math.isnan(v) for v in result.as_dict().values())
    assert F.format_value(result.fid) == F.NA == 'n/a'
    for part in (F.INCEPTION_FILENAME, F.INCEPTION_ENV,
                 str(no_weights / 'cleanfid' / F.INCEPTION_FILENAME),
                 str(no_weights / 'mmagic' / F.INCEPTION_FILENAME)):
        assert part in result.message
    # a given path is the only place looked at, and is named
    given = str(no_weights / 'elsewhere' / F.INCEPTION_FILENAME)
    assert given in F.compute_fid_kid(real, other, weights=given).message
    # a file that is not the TorchScript Inception: n/a, not an exception
    bad = no_weights / F.INCEPTION_FILENAME
    bad.write_bytes(b'<html>not a model</html>')
    message = F.compute_fid_kid(real, other, weights=str(bad)).message
    assert 'could not be loaded' in message
    assert no_network == []


class _StandInInception(torch.nn.Module):
    """Not Inception: a fixed random projection with the interface of
    ``inception-2015-12-05.pt`` that clean-fid uses (``.layers`` mapping
    (N, 3, 299, 299) in [-1, 1] to (N, 2048))."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.layers = torch.nn.Sequential(
            torch.nn.AdaptiveAvgPool2d(4), torch.nn.Flatten(),
            torch.nn.Linear(48, 2048))

    def forward(self, x: torch.Tensor,
                return_features: bool = False) -> torch.Tensor:
        return self.layers(x)


@pytest.fixture(scope='module')
def stand_in_weights(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp('inception')
    torch.jit.script(_StandInInception()).save(
        str(folder / F.INCEPTION_FILENAME))
    return str(folder)


def test_fid_with_weights_runs_clean_fid_offline(real, other, no_network,
                                                 stand_in_weights,
                                                 monkeypatch):
    monkeypatch.setenv(F.INCEPTION_ENV, stand_in_weights)
    same = F.compute_fid_kid(real[:12], real[:12])
    assert same.available and (same.num_real, same.num_fake) == (12, 12)
    assert abs(same.fid) < 1e-6
    blurred = F.compute_fid_kid(real[:12], _blur(real[:12], 3))
    assert blurred.fid > 1e-3 and blurred.kid > same.kid
    assert no_network == []


# ------------------------------------------- registered metrics in mmagic


def _write_image_folder(folder: str, images: np.ndarray) -> None:
    os.makedirs(folder)
    for k, img in enumerate(images):  # RGB -> BGR file
        cv2.imwrite(osp.join(folder, f'{k:02d}.png'),
                    img.transpose(1, 2, 0)[..., ::-1])


def test_registered_metrics_in_a_val_loop(tmp_path, no_weights, no_network):
    """A tiny mmagic DCGAN evaluated by mmengine's Runner with mmagic's
    MultiValLoop, the registered metrics next to mmagic's own SWD."""
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    reals = _strokes(8, 32, seed=3)
    _write_image_folder(str(tmp_path / 'data'), reals)
    seen = {}

    class Capture(Hook):

        def after_val_epoch(self, runner, metrics=None):
            seen.update(metrics)

    runner = Runner(
        model=dict(
            type='DCGAN',
            noise_size=16,
            data_preprocessor=dict(type='DataPreprocessor'),
            generator=dict(
                type='DCGANGenerator',
                output_scale=32,
                base_channels=16,
                noise_size=16),
            discriminator=dict(
                type='DCGANDiscriminator',
                input_scale=32,
                output_scale=4,
                out_channels=1,
                base_channels=16)),
        work_dir=str(tmp_path / 'work'),
        val_dataloader=dict(
            batch_size=3,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(
                type='MedicalImageDataset',
                data_root=str(tmp_path / 'data'),
                pipeline=[
                    dict(type='LoadMedicalImage', key='gt', channels=3),
                    dict(type='PackInputs')
                ])),
        val_cfg=dict(type='MultiValLoop'),
        val_evaluator=dict(
            type='Evaluator',
            metrics=[
                dict(type='PGGANSWD', fake_nums=10),
                dict(type='MSSSIMDiversity', fake_nums=10),
                dict(type='CleanFID', fake_nums=10),
                dict(
                    type='SWD',
                    prefix='swd',
                    fake_nums=-1,
                    sample_model='orig',
                    image_shape=(3, 32, 32)),
            ]),
        custom_hooks=[Capture()],
        default_scope='mmagic')
    runner.val()

    assert {'swd_pggan/32', 'swd_pggan/16', 'swd_pggan/avg', 'ms_ssim/fake',
            'ms_ssim/real', 'clean_fid/fid', 'clean_fid/kid',
            'clean_fid/kid_std', 'swd/avg'} <= set(seen)
    assert seen['swd_pggan/avg'] > 0 and 0 < seen['ms_ssim/real'] < 1
    assert 0 < seen['ms_ssim/fake'] <= 1
    assert math.isnan(seen['clean_fid/fid'])  # n/a, the run went on
    assert no_network == []
    metrics = {type(m).__name__: m for m in runner.val_loop.evaluators[0]
               .metrics}
    # the reals, read through the preprocessor, are the files in RGB
    swd = metrics['PGGANSWD']
    np.testing.assert_array_equal(swd.real_images, reals)
    assert swd._order == 'RGB'
    assert swd.fake_results == []  # cleared after evaluation


def test_metric_value_does_not_depend_on_batches(real, other):
    """The same images fed in batches of 1 or 7 give the same values."""
    from mmagic.registry import METRICS
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')

    def run(cfg: dict, batch: int) -> dict:
        metric = METRICS.build(cfg)
        metric.real_images = real
        samples = [dict(fake_img=torch.from_numpy(f).float()) for f in other]
        for start in range(0, len(samples), batch):
            metric.process(None, samples[start:start + batch])
        return metric.evaluate()

    for cfg in (dict(type='PGGANSWD', fake_nums=20),
                dict(type='MSSSIMDiversity', fake_nums=20, num_pairs=15)):
        assert run(cfg, 1) == run(cfg, 7)
    values = run(dict(type='PGGANSWD', fake_nums=24), 5)
    assert values == {
        f'swd_pggan/{k}': v
        for k, v in F.pggan_swd(real, other).items()
    }


def test_metric_arguments_are_checked():
    from mmskr.evaluation import PGGANSWD, CleanFID, MSSSIMDiversity
    with pytest.raises(ValueError, match='fake_nums >= 2'):
        MSSSIMDiversity(fake_nums=1)
    with pytest.raises(ValueError, match='real_nums must be -1'):
        PGGANSWD(fake_nums=4, real_nums=0)
    with pytest.raises(ValueError, match='channel_order'):
        CleanFID(fake_nums=4, channel_order='rgb')
    assert math.isnan(MSSSIMDiversity(4, real_nums=0).compute_images(
        None, _strokes(4, 32, 0))['real'])
    with pytest.raises(KeyError, match="no 'fake_sketch'"):
        PGGANSWD(4, fake_key='fake_sketch').process(
            None, [dict(fake_img=torch.zeros(3, 16, 16))])
