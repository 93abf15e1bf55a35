"""Table 1 protocol measures on real images: memorisation (nearest
training image) and FRD v1 (2D)."""
import importlib.metadata
import os.path as osp

import cv2
import numpy as np
import pytest

from mmskr.evaluation.functional.frd import compute_frd, luminance
from mmskr.evaluation.functional.memorisation import (memorisation,
                                                      nearest_distances)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
pytestmark = pytest.mark.realdata


@pytest.fixture(scope='module')
def lung_ct():
    """The 80 real lung CT slices at 64 px, (80, 3, 64, 64) uint8."""
    import os
    root = os.environ.get('MMSKR_DATA_ROOT')
    if not root or not osp.isdir(root):
        pytest.skip('MMSKR_DATA_ROOT is not set')
    from mmskr.apis import load_real_images
    return load_real_images(
        osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py'),
        data_root=root)


def _blur(images: np.ndarray, sigma: float) -> np.ndarray:
    blurred = [
        cv2.GaussianBlur(x.transpose(1, 2, 0), (0, 0), sigma) for x in images
    ]  # OpenCV drops a single channel's axis
    return np.stack(blurred).reshape(images.shape)


def test_copies_are_caught_and_noise_is_not(lung_ct):
    rng = np.random.default_rng(0)
    copies = lung_ct[rng.integers(0, len(lung_ct), 50)]
    got = memorisation(copies, lung_ct)
    assert got['copy_rate'] == 1.0 and got['nn_ratio'] < 1e-6
    noise = rng.integers(0, 256, copies.shape, dtype=np.uint8)
    got = memorisation(noise, lung_ct)
    assert got['copy_rate'] == 0.0 and got['nn_ratio'] > 1.5
    held_out = memorisation(lung_ct[40:], lung_ct[:40])  # real vs real
    assert 0.7 < held_out['nn_ratio'] < 1.3
    assert held_out['copy_rate'] < 0.2


def test_nearest_distances_leave_one_out():
    a = np.zeros((3, 1, 2, 2), np.uint8)
    a[1] += 255  # RMS distance 1 to the others
    a[2, 0, 0, 0] = 255  # RMS distance 0.5 to a[0]
    np.testing.assert_allclose(
        nearest_distances(a, a, leave_one_out=True), [0.5, 0.8660254, 0.5])
    np.testing.assert_allclose(nearest_distances(a, a), [0, 0, 0])
    with pytest.raises(ValueError, match='uint8'):
        nearest_distances(a.astype(np.float32), a)
    with pytest.raises(ValueError, match='percentile'):
        memorisation(a, a, copy_percentile=100)


def test_frd_small_for_halves_larger_for_a_blurred_copy(lung_ct):
    small = np.stack([  # (N, 1, 32, 32): lung CT is read as one channel
        cv2.resize(x[0], (32, 32), interpolation=cv2.INTER_AREA)[None]
        for x in lung_ct
    ])
    a, b = small[0:24:2], small[1:24:2]
    halves = compute_frd(a, b)
    blurred = compute_frd(a, _blur(b, 2.0))
    assert halves.message == '' and blurred.message == ''
    assert halves.value < blurred.value - 5


def test_a_constant_image_gives_na_not_a_crash(lung_ct):
    fake = lung_ct[:10].copy()
    fake[3] = 17
    got = compute_frd(lung_ct[10:20], fake)
    assert got.value is None
    assert 'constant' in got.message and '[3]' in got.message
    with pytest.raises(ValueError, match='one resolution'):
        compute_frd(lung_ct[:4], lung_ct[:4, :, :32, :32])


def test_luminance_is_the_same_for_both_sets():
    rgb = np.zeros((1, 3, 1, 1), np.uint8)
    rgb[0, :, 0, 0] = (100, 200, 50)
    assert luminance(rgb)[0, 0, 0] == round(0.2125 * 100 + 0.7154 * 200 +
                                            0.0721 * 50)
    gray = np.full((1, 1, 2, 2), 9, np.uint8)
    assert (luminance(gray) == 9).all()


def test_frd_install_keeps_the_projects_opencv():
    # frd-score's own requirement, opencv-contrib-python-headless, would
    # replace the cv2 of the project's OpenCV without a word
    installed = {d.metadata['Name'].lower(): d.version
                 for d in importlib.metadata.distributions()}
    assert 'frd-score' in installed
    assert not [n for n in installed if n.startswith('opencv-contrib')]
    ours = installed['opencv-python-headless']
    assert ours.startswith(cv2.__version__ + '.'), (ours, cv2.__version__)
    assert hasattr(cv2, 'resize') and not hasattr(cv2, 'ximgproc')


def test_real_reference_is_seeded_and_independent_of_file_order(lung_ct):
    import dataclasses

    from experiments.table1.metrics import real_reference, reference_splits
    from experiments.table1.presets import PRESETS
    real = lung_ct[:40]
    shuffled = real[np.random.default_rng(1).permutation(len(real))]
    splits = reference_splits(real, 16, 3)
    for (a, b), (a2, b2) in zip(splits, reference_splits(shuffled, 16, 3)):
        np.testing.assert_array_equal(a, a2)
        np.testing.assert_array_equal(b, b2)
    (a0, b0), (a1, _) = splits[:2]
    assert len(a0) == 16 and len(b0) == 24 and not np.array_equal(a0, a1)
    assert {x.tobytes() for x in a0} | {x.tobytes() for x in b0} == {
        x.tobytes() for x in real}
    preset = dataclasses.replace(PRESETS['smoke'], num_fake=16,
                                 reference_splits=2)  # FRD: tested below
    got = real_reference(shuffled, preset)
    assert got['swd_real']['avg'] > 0 and got['swd_real_sd']['avg'] > 0
    assert got['frd_real'] is None and got['ms_ssim_real_sd'] is not None
    assert got['reference_note'] == ('2 random splits of the 40 real '
                                     'images: 16 against 24')
