"""Shared pytest fixtures and markers."""
import os

import cv2
import numpy as np
import pytest


def pytest_configure(config):
    config.addinivalue_line('markers', 'realdata: needs MMSKR_DATA_ROOT')
    if os.environ.get('PYTEST_XDIST_WORKER'):
        # ``make test`` runs one pytest-xdist worker per core: each worker,
        # and the training processes it starts, keeps to one thread, so
        # workers do not oversubscribe the cores
        os.environ['OMP_NUM_THREADS'] = '1'
        import torch
        torch.set_num_threads(1)


@pytest.fixture
def data_root() -> str:
    """The real data folder from ``MMSKR_DATA_ROOT``; skips when unset."""
    root = os.environ.get('MMSKR_DATA_ROOT')
    if not root:
        pytest.skip('MMSKR_DATA_ROOT is not set (point it at the shared '
                    'real-data folder to run realdata tests)')
    if not os.path.isdir(root):
        pytest.skip(f'MMSKR_DATA_ROOT={root!r} is not a folder')
    return root


@pytest.fixture
def mmagic_scope():
    """Build registry objects in mmagic's scope, as mmagic configs do."""
    import mmskr  # noqa: F401  (registers into mmagic; numpy-2 fixes)
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    return 'mmagic'


def vessel_image(rng, size: int) -> np.ndarray:
    """A dark image with a few bright random lines (vessel-like)."""
    img = np.full((size, size, 3), 30, np.uint8)
    for _ in range(4):
        p = rng.integers(0, size, 4)
        cv2.line(img, (int(p[0]), int(p[1])), (int(p[2]), int(p[3])),
                 (200, 180, 160), 2)
    return cv2.GaussianBlur(img, (3, 3), 0)


@pytest.fixture(scope='module')
def fake_data_root(tmp_path_factory) -> str:
    """The four modality layouts the configs read, with generated images."""
    root = tmp_path_factory.mktemp('data')
    rng = np.random.default_rng(0)
    layouts = {
        'DRIVE/training/images': ('{:02d}_training.tif', 8),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/train/NORMAL': ('n{}.jpeg', 4),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/train/PNEUMONIA': ('p{}.jpeg', 4),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/val/NORMAL': ('vn{}.jpeg', 2),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/val/PNEUMONIA': ('vp{}.jpeg', 2),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/test/NORMAL': ('tn{}.jpeg', 2),
        'CHEST_XRAY_PNEUMONIA/chest_xray_224/test/PNEUMONIA': ('tp{}.jpeg', 2),
        'DRIVE/test/images': ('{:02d}_test.tif', 2),
        'BRAIN_MRI/brain_tumor_dataset/no': ('{} no.jpg', 4),
        'BRAIN_MRI/brain_tumor_dataset/yes': ('Y{}.jpg', 4),
    }
    for folder, (pattern, n) in layouts.items():
        os.makedirs(root / folder)
        for i in range(n):
            cv2.imwrite(str(root / folder / pattern.format(i)),
                        vessel_image(rng, 48))
    ct = root / 'LUNG_CT_KMADER/2d_images'
    os.makedirs(ct)
    for i in range(8):  # signed 16-bit HU slices
        hu = vessel_image(rng, 48)[..., 0].astype(np.int16) * 7 - 1000
        cv2.imwrite(str(ct / f'ID_{i:04d}_Z_0001.tif'), hu)
    return str(root)
