"""Every file of the four real data sets through the dataset + pipeline.

Needs ``MMSKR_DATA_ROOT`` (the shared data folder); about 10-20 s on 2 cores.
"""
import glob
import os.path as osp

import numpy as np
import pytest

import mmskr  # noqa: F401
from mmagic.registry import DATASETS
from mmskr.datasets import drive_triples, read_medical_image

pytestmark = pytest.mark.realdata

CHEST = 'CHEST_XRAY_PNEUMONIA'
# name -> (data_prefix folders, classes, expected count, expected counts)
SETS = {
    'fundus': (['DRIVE/training/images', 'DRIVE/test/images'], None, 40,
               None),
    'chestxray': ([
        f'{CHEST}/chest_xray_224/val', f'{CHEST}/chest_xray_224/test',
        f'{CHEST}/chest_xray_original'
    ], ['NORMAL', 'PNEUMONIA'], 1726, (443, 1283)),
    'lungct': (['LUNG_CT_KMADER/2d_images'], None, 80, None),
    'brainmri': (['BRAIN_MRI/brain_tumor_dataset'], ['no', 'yes'], 253,
                 (98, 155)),
}


def _dataset(data_root, name, channels):
    folders, classes, _, _ = SETS[name]
    return DATASETS.build(
        dict(
            type='MedicalImageDataset',
            data_root=data_root,
            data_prefix=dict(gt=folders),
            classes=classes,
            test_mode=True,
            pipeline=[
                dict(type='LoadMedicalImage', channels=channels),
                dict(type='Resize', keys='gt', scale=(64, 64)),
                dict(type='PackInputs')
            ]))


@pytest.mark.parametrize('name', list(SETS))
def test_every_file_loads(data_root, mmagic_scope, name):
    _, classes, count, class_counts = SETS[name]
    ds = _dataset(data_root, name, channels=3)
    assert len(ds) == count
    if classes is not None:
        assert ds.metainfo['classes'] == tuple(classes)
        assert ds.metainfo['class_counts'] == class_counts
    means = []
    for i in range(len(ds)):
        out = ds[i]
        img = out['data_samples'].gt_img.numpy()
        path = out['data_samples'].gt_path
        assert img.shape == (3, 64, 64), path
        assert img.dtype == np.uint8, path
        assert img.max() > img.min(), f'{path} is constant after loading'
        means.append(img.mean())
        if classes is not None:
            label = int(out['data_samples'].gt_label.label)
            assert classes[label] == osp.basename(osp.dirname(path))
    # no set collapses to black or white (e.g. CT read as 8 bit)
    assert 10 < np.mean(means) < 200, (name, np.mean(means))


def test_ct_window_keeps_lung_contrast(data_root):
    """Windowed CT slices have air (near 0) and tissue (bright) pixels."""
    path = sorted(
        glob.glob(osp.join(data_root, 'LUNG_CT_KMADER', '2d_images',
                           '*.tif')))[0]
    img = read_medical_image(path, channels=None)
    assert img.shape == (512, 512, 1)
    assert (img < 30).mean() > 0.1 and (img > 150).mean() > 0.1


def test_gray_pass_on_brain(data_root, mmagic_scope):
    ds = _dataset(data_root, 'brainmri', channels=1)
    for i in range(len(ds)):
        sample = ds[i]['data_samples']
        assert tuple(sample.gt_img.shape) == (1, 64, 64), sample.gt_path
        assert sample.gt_color_type == 'grayscale'


@pytest.mark.parametrize('split', ['training', 'test'])
def test_drive_labels_and_masks(data_root, split):
    triples = drive_triples(osp.join(data_root, 'DRIVE'), split)
    assert len(triples) == 20
    for t in triples:
        img = read_medical_image(t['img_path'])
        vessel = read_medical_image(t['vessel_path'], channels=1)
        mask = read_medical_image(t['mask_path'], channels=1)
        assert img.shape == (584, 565, 3)
        assert vessel.shape == mask.shape == (584, 565, 1)
        assert set(np.unique(vessel)) <= {0, 255}
        assert set(np.unique(mask)) <= {0, 255}
        assert 0.05 < (vessel > 0).mean() < 0.25  # vessels: ~12 % of pixels
        assert 0.5 < (mask > 0).mean() < 0.9  # field of view: ~70 %
    assert ('vessel2_path' in triples[0]) == (split == 'test')
