"""Tests for MedicalImageDataset, DRIVEDataset, LoadMedicalImage and the
dataset base configs (on generated folders)."""
import os
import os.path as osp
import warnings

import numpy as np
import pytest
from PIL import Image

import mmskr  # noqa: F401
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmagic.registry import DATASETS, MODELS, TRANSFORMS
from mmskr.datasets import (BadImageError, BadImageWarning, DRIVEDataset,
                            MedicalImageDataset, drive_triples)
from mmskr.datasets.transforms import LoadMedicalImage

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BASE_DATASETS = osp.join(REPO, 'configs', '_base_', 'datasets')


def _write(path, size=(16, 20), mode='RGB', seed=0, fmt=None):
    """Write a random image (HxW = size) and return its path as str."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    rng = np.random.default_rng(seed)
    if mode == 'I;16':
        arr = rng.integers(0, 4096, size, np.uint16)
    elif mode == 'CT':
        arr = rng.integers(-2000, 1500, size).astype(np.int16)
    else:
        arr = rng.integers(0, 256, size + (3, ), np.uint8)
    im = Image.fromarray(arr)
    if mode in ('L', 'RGBA', 'P'):
        im = im.convert(mode)
    im.save(path, format=fmt)
    return str(path)


def _truncate(path):
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


@pytest.fixture
def flat(tmp_path):
    """Unlabeled folder: mixed modes, a sub-folder, a PNG named .jpg."""
    root = tmp_path / 'flat'
    _write(root / 'a.png')
    _write(root / 'b gray.png', mode='L', seed=1)
    _write(root / 'c.jpg', mode='RGBA', seed=2, fmt='PNG')
    _write(root / 'deep' / 'd.tif', mode='P', seed=3)
    (root / 'notes.txt').write_text('not an image')
    return root


@pytest.fixture
def labelled(tmp_path):
    """Class folders: no/ (2 images) and yes/ (3 images)."""
    root = tmp_path / 'labelled'
    for i in range(2):
        _write(root / 'no' / f'{i} no.jpg', seed=i)
    for i in range(3):
        _write(root / 'yes' / f'Y{i}.png', mode='L', seed=10 + i)
    return root


# ------------------------------------------------------------ data list
def test_unlabeled_folder(flat):
    ds = MedicalImageDataset(data_root=str(flat.parent), data_prefix='flat')
    names = [
        osp.relpath(ds.get_data_info(i)['gt_path'], flat)
        for i in range(len(ds))
    ]
    assert names == ['a.png', 'b gray.png', 'c.jpg', 'deep/d.tif']
    info = ds.get_data_info(2)
    assert set(info) == {'gt_path', 'sample_idx'}  # no gt_label key at all
    assert info['sample_idx'] == 2
    assert ds.metainfo['num_images'] == 4
    assert 'classes' not in ds.metainfo
    assert len(MedicalImageDataset(str(flat), recursive=False)) == 3
    assert len(MedicalImageDataset(str(flat), extensions=('.TIF', ))) == 1


def test_data_prefix_forms(flat, tmp_path):
    ds = MedicalImageDataset(str(tmp_path), data_prefix=dict(img='flat'))
    assert 'img_path' in ds.get_data_info(0)
    _write(tmp_path / 'other' / 'z.png')
    ds = MedicalImageDataset(
        str(tmp_path), data_prefix=dict(gt=['flat', 'other']))
    assert len(ds) == 5
    assert ds.get_data_info(4)['gt_path'].endswith('other/z.png')
    ds = MedicalImageDataset(data_prefix=dict(gt=str(flat)))  # absolute
    assert len(ds) == 4
    with pytest.raises(ValueError, match='one key'):
        MedicalImageDataset(str(tmp_path), data_prefix=dict(gt='a', img='b'))


def test_classes_auto_and_counts(labelled):
    ds = MedicalImageDataset(str(labelled), classes='auto')
    assert ds.metainfo['classes'] == ('no', 'yes')
    assert ds.metainfo['class_counts'] == (2, 3)
    labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
    assert labels == [0, 0, 1, 1, 1]
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        folder = osp.basename(osp.dirname(info['gt_path']))
        assert ds.metainfo['classes'][info['gt_label']] == folder


def test_classes_list_order_and_selection(labelled):
    _write(labelled / 'maybe' / 'm.png')
    ds = MedicalImageDataset(str(labelled), classes=['yes', 'no'])
    assert ds.metainfo['classes'] == ('yes', 'no')
    assert ds.metainfo['class_counts'] == (3, 2)
    assert ds.get_data_info(0)['gt_label'] == 0
    assert 'yes' in ds.get_data_info(0)['gt_path']
    assert len(MedicalImageDataset(str(labelled), classes='auto')) == 6
    with pytest.raises(FileNotFoundError, match="class folder 'unsure'"):
        MedicalImageDataset(str(labelled), classes=['no', 'unsure'])
    with pytest.raises(ValueError, match='distinct'):
        MedicalImageDataset(str(labelled), classes=['no', 'no'])
    with pytest.raises(ValueError, match="'auto'"):
        MedicalImageDataset(str(labelled), classes='folders')


def test_files_beside_class_folders_refused(labelled):
    _write(labelled / 'stray.png')
    with pytest.raises(ValueError, match='directly in .*stray.png'):
        MedicalImageDataset(str(labelled), classes='auto')
    assert len(MedicalImageDataset(str(labelled))) == 6  # unlabeled: fine


def test_auto_without_subfolders(flat, tmp_path):
    only_files = tmp_path / 'only'
    _write(only_files / 'a.png')
    with pytest.raises(ValueError, match='directly in'):
        MedicalImageDataset(str(only_files), classes='auto')
    (tmp_path / 'bare').mkdir()
    with pytest.raises(ValueError, match='no sub-folders'):
        MedicalImageDataset(str(tmp_path / 'bare'), classes='auto')


def test_missing_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        MedicalImageDataset(str(tmp_path), data_prefix='absent')
    msg = str(info.value)
    assert str(tmp_path / 'absent') in msg and 'Expected layout' in msg
    (tmp_path / 'empty').mkdir()
    (tmp_path / 'empty' / 'readme.txt').write_text('x')
    with pytest.raises(FileNotFoundError) as info:
        MedicalImageDataset(str(tmp_path), data_prefix='empty')
    msg = str(info.value)
    assert str(tmp_path / 'empty') in msg and '.png' in msg
    assert 'Expected layout' in msg
    (tmp_path / 'cls' / 'a').mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match='cls/a'):
        MedicalImageDataset(str(tmp_path / 'cls'), classes='auto')


def test_min_images(labelled):
    with pytest.raises(ValueError, match='5 usable images .* min_images=8'):
        MedicalImageDataset(str(labelled), min_images=8)
    assert len(MedicalImageDataset(str(labelled), min_images=5)) == 5
    with pytest.raises(ValueError, match='min_images must be'):
        MedicalImageDataset(str(labelled), min_images=0)


# ------------------------------------------------------------ bad files
@pytest.fixture
def with_bad(flat):
    (flat / 'zero.png').write_bytes(b'')
    (flat / 'noise.jpg').write_bytes(np.random.default_rng(0).bytes(300))
    _truncate(_write(flat / 'trunc.jpg', size=(32, 32), fmt='JPEG'))
    return flat


def test_bad_file_raises_naming_it(with_bad):
    with pytest.raises(BadImageError) as info:
        MedicalImageDataset(str(with_bad))
    assert info.value.path == str(with_bad / 'noise.jpg')  # first sorted
    assert str(with_bad / 'noise.jpg') in str(info.value)


def test_skip_bad_header_and_full(with_bad):
    with pytest.warns(BadImageWarning) as record:
        ds = MedicalImageDataset(
            str(with_bad), check_files='header', skip_bad=True)
    assert len(record) == 1
    msg = str(record[0].message)
    assert msg.startswith('2 of 7 image files')
    assert 'zero.png' in msg and 'noise.jpg' in msg
    assert len(ds) == 5  # the truncated JPEG passes a header check
    with pytest.warns(BadImageWarning) as record:
        ds = MedicalImageDataset(
            str(with_bad), check_files='full', skip_bad=True)
    assert len(record) == 1
    assert str(record[0].message).startswith('3 of 7 image files')
    assert 'trunc.jpg' in str(record[0].message)
    assert len(ds) == 4 and ds.metainfo['num_images'] == 4
    assert [ds.get_data_info(i)['sample_idx'] for i in range(4)] == [
        0, 1, 2, 3
    ]


def test_check_none_defers_to_loading(with_bad, mmagic_scope):
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no check, no warning
        ds = MedicalImageDataset(
            str(with_bad),
            check_files='none',
            pipeline=[dict(type='LoadMedicalImage')],
            test_mode=True)
    assert len(ds) == 7
    bad = [
        i for i in range(len(ds))
        if osp.basename(ds.get_data_info(i)['gt_path']) == 'trunc.jpg'
    ][0]
    with pytest.raises(BadImageError, match='trunc.jpg'):
        ds[bad]
    with pytest.raises(ValueError, match='check_files'):
        MedicalImageDataset(str(with_bad), check_files='yes')


def test_skip_bad_min_images(tmp_path):
    root = tmp_path / 'bad'
    root.mkdir()
    (root / 'zero.png').write_bytes(b'')
    with pytest.warns(BadImageWarning):
        with pytest.raises(ValueError, match='0 usable images'):
            MedicalImageDataset(str(root), skip_bad=True)


def test_skip_bad_class_counts(labelled):
    (labelled / 'yes' / 'broken.png').write_bytes(b'\x89PNG broken')
    with pytest.warns(BadImageWarning, match='1 of 6'):
        ds = MedicalImageDataset(str(labelled), classes='auto', skip_bad=True)
    assert ds.metainfo['class_counts'] == (2, 3)


# ------------------------------------------------------------- pipeline
@pytest.mark.parametrize('channels', [1, 3])
def test_pipeline_pack_inputs(flat, mmagic_scope, channels):
    ds = MedicalImageDataset(
        str(flat),
        pipeline=[
            dict(type='LoadMedicalImage', channels=channels),
            dict(type='Resize', keys='gt', scale=(64, 64)),
            dict(type='PackInputs')
        ])
    for i in range(len(ds)):
        sample = ds[i]['data_samples']
        img = sample.gt_img
        assert tuple(img.shape) == (channels, 64, 64)
        assert str(img.dtype) == 'torch.uint8'
        assert sample.metainfo['gt_channel_order'] == 'rgb'
        assert sample.metainfo['gt_color_type'] == (
            'color' if channels == 3 else 'grayscale')
        assert sample.metainfo['ori_gt_shape'][2] == channels
    # mmagic's DataPreprocessor stacks and normalises them to [-1, 1]
    batch = pseudo_collate([ds[0], ds[1]])
    out = MODELS.build(dict(type='DataPreprocessor'))(batch, training=True)
    gt = out['data_samples'].gt_img
    assert tuple(gt.shape) == (2, channels, 64, 64)
    assert gt.min() >= -1 and gt.max() <= 1 and gt.max() > gt.min()


def test_pipeline_packs_labels(labelled, mmagic_scope):
    ds = MedicalImageDataset(
        str(labelled),
        classes='auto',
        pipeline=[dict(type='LoadMedicalImage'),
                  dict(type='PackInputs')])
    assert ds[0]['data_samples'].gt_label.label.tolist() == [0]
    assert ds[4]['data_samples'].gt_label.label.tolist() == [1]


def test_load_medical_image_transform(tmp_path):
    path = _write(tmp_path / 'ct.tif', size=(8, 10), mode='CT')
    t = TRANSFORMS.build(
        dict(type='LoadMedicalImage', key='img', channels=1,
             window=[-500, 500], to_float32=True))
    out = t(dict(img_path=path))
    assert out['img'].shape == (8, 10, 1) and out['img'].dtype == np.float32
    assert out['img'].min() >= 0 and out['img'].max() <= 255
    assert out['ori_img_shape'] == (8, 10, 1)
    assert out['img_color_type'] == 'grayscale'
    assert out['img_channel_order'] == 'rgb'
    assert repr(t) == ("LoadMedicalImage(key='img', channels=1, "
                       'window=(-500.0, 500.0), max_pixels=100000000, '
                       'to_float32=True)')
    with pytest.raises(KeyError, match='gt_path'):
        LoadMedicalImage()(dict(img_path=path))
    with pytest.raises(ValueError, match='channels must be 1 or 3'):
        LoadMedicalImage(channels=None)


def test_16bit_through_pipeline(tmp_path, mmagic_scope):
    _write(tmp_path / 'ct' / 'a.tif', size=(20, 20), mode='CT')
    _write(tmp_path / 'u16' / 'b.png', size=(20, 20), mode='I;16')
    for sub in ('ct', 'u16'):
        ds = MedicalImageDataset(
            str(tmp_path / sub),
            pipeline=[dict(type='LoadMedicalImage'),
                      dict(type='PackInputs')])
        img = ds[0]['data_samples'].gt_img
        assert tuple(img.shape) == (3, 20, 20)
        assert img.max() == 255 and img.min() == 0


# ------------------------------------------------------------------ DRIVE
def _drive(root, split='training', n=(21, 22), second=False):
    for i in n:
        _write(root / split / 'images' / f'{i:02d}_{split}.tif', seed=i)
        _write(root / split / '1st_manual' / f'{i:02d}_manual1.gif', mode='L')
        _write(root / split / 'mask' / f'{i:02d}_{split}_mask.gif', mode='L')
        if second:
            _write(root / split / '2nd_manual' / f'{i:02d}_manual2.gif',
                   mode='P')


def test_drive_triples_and_dataset(tmp_path, mmagic_scope):
    _drive(tmp_path)
    _drive(tmp_path, 'test', n=(1, 2, 10), second=True)
    triples = drive_triples(str(tmp_path), 'training')
    assert [t['sample_id'] for t in triples] == ['21', '22']
    assert triples[0]['mask_path'].endswith('mask/21_training_mask.gif')
    assert 'vessel2_path' not in triples[0]
    test = drive_triples(str(tmp_path), 'test')
    assert [t['sample_id'] for t in test] == ['01', '02', '10']
    assert test[2]['vessel2_path'].endswith('10_manual2.gif')
    ds = DATASETS.build(
        dict(
            type='DRIVEDataset',
            data_root=str(tmp_path),
            split='test',
            pipeline=[
                dict(type='LoadMedicalImage', key='img'),
                dict(type='LoadMedicalImage', key='vessel', channels=1),
                dict(type='LoadMedicalImage', key='mask', channels=1)
            ]))
    out = ds[1]
    assert out['img'].shape == (16, 20, 3)
    assert out['vessel'].shape == out['mask'].shape == (16, 20, 1)
    assert out['sample_idx'] == 1
    os.remove(tmp_path / 'training' / 'mask' / '22_training_mask.gif')
    with pytest.raises(FileNotFoundError, match='22_training.tif'):
        DRIVEDataset(str(tmp_path), 'training')
    with pytest.raises(FileNotFoundError, match='missing/training/images'):
        drive_triples(str(tmp_path / 'missing'))
    with pytest.raises(ValueError, match='split'):
        drive_triples(str(tmp_path), 'val')


# ---------------------------------------------------------------- configs
def _fake_data_root(root):
    """The four real-data layouts, 4+ small images each."""
    for i in range(4):
        _write(root / 'DRIVE' / 'training' / 'images' / f'{21 + i}_t.tif')
        _write(root / 'LUNG_CT_KMADER' / '2d_images' / f'ID_{i}.tif',
               mode='CT')
        for split in ('val', 'test'):
            for cls in ('NORMAL', 'PNEUMONIA'):
                _write(root / 'CHEST_XRAY_PNEUMONIA' / 'chest_xray_224' /
                       split / cls / f'{cls}{i}.jpeg', mode='L')
        for cls in ('no', 'yes'):
            _write(root / 'BRAIN_MRI' / 'brain_tumor_dataset' / cls /
                   f'{i} {cls}.jpg', mode='RGBA', fmt='PNG')


@pytest.mark.parametrize('name,n,classes', [
    ('fundus', 4, None), ('chestxray', 16, ('NORMAL', 'PNEUMONIA')),
    ('lungct', 4, None), ('brainmri', 8, ('no', 'yes'))])
def test_base_configs_build(tmp_path, monkeypatch, mmagic_scope, name, n,
                            classes):
    _fake_data_root(tmp_path)
    monkeypatch.setenv('MMSKR_DATA_ROOT', str(tmp_path))
    cfg = Config.fromfile(osp.join(BASE_DATASETS, f'{name}.py'))
    assert cfg.data_root == str(tmp_path)
    assert cfg.train_dataloader.dataset.data_root == str(tmp_path)
    assert cfg.train_dataloader.sampler.type == 'InfiniteSampler'
    assert cfg.val_dataloader.dataset.data_root == str(tmp_path)
    assert cfg.train_dataloader.batch_size == 16  # paper
    settings = Config.fromfile(
        osp.join(BASE_DATASETS, '..', 'settings', 'cpu_64px.py'))
    ds = DATASETS.build(
        dict(cfg.train_dataloader.dataset, min_images=4,
             pipeline=settings.sketch_train_pipeline))
    assert len(ds) == n
    assert ds.metainfo.get('classes') == classes
    sample = ds[0]['data_samples']
    assert tuple(sample.gt_img.shape) == (3, 64, 64)
    assert tuple(sample.gt_sketch.shape) == (1, 64, 64)


def test_data_root_default_without_env(monkeypatch):
    monkeypatch.delenv('MMSKR_DATA_ROOT', raising=False)
    cfg = Config.fromfile(osp.join(BASE_DATASETS, 'fundus.py'))
    assert cfg.train_dataloader.dataset.data_root == 'data'


# ------------------------------------------------------------ caching


def _sketch_pipeline(cached: bool, max_items=None):
    head = [
        dict(type='LoadMedicalImage', key='gt', channels=3),
        dict(type='SketchDraft', key='gt', sketch_key='gt_sketch'),
        dict(type='Resize', keys=['gt', 'gt_sketch'], scale=(8, 8),
             keep_ratio=False, interpolation='area'),
    ]
    if cached:
        head = [dict(type='CachedTransforms', transforms=head,
                     max_items=max_items)]
    return head + [dict(type='PackInputs', data_keys=['gt_sketch'])]


def _pack(sample):
    return (sample['data_samples'].gt_img.numpy(),
            sample['data_samples'].gt_sketch.numpy())


def test_cached_transforms_bitwise_equal_and_skip_disk(flat, mmagic_scope,
                                                       monkeypatch):
    kw = dict(type='MedicalImageDataset', data_root=str(flat))
    plain = DATASETS.build(dict(kw, pipeline=_sketch_pipeline(False)))
    cached = DATASETS.build(dict(kw, pipeline=_sketch_pipeline(True)))
    wrapper = cached.pipeline.transforms[0]
    first = [_pack(cached[i]) for i in range(len(cached))]
    assert (wrapper.misses, wrapper.hits) == (4, 0)
    # second epoch: nothing is read from disk
    import mmskr.datasets.transforms.load_medical_image as lmi

    def no_disk(*args, **kwargs):
        raise AssertionError('read from disk on a cache hit')

    monkeypatch.setattr(lmi.LoadMedicalImage, 'transform', no_disk)
    second = [_pack(cached[i]) for i in range(len(cached))]
    assert (wrapper.misses, wrapper.hits) == (4, 4)
    monkeypatch.undo()
    for a, b, c in zip(first, second, [_pack(plain[i])
                                       for i in range(len(plain))]):
        for x, y, z in zip(a, b, c):
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(x, z)
    # a batch changed in place downstream does not change the cache
    s = cached[0]
    s['data_samples'].gt_img.fill_(0)
    np.testing.assert_array_equal(_pack(cached[0])[1], first[0][1])


def test_cached_transforms_lru_and_errors(flat, tmp_path, mmagic_scope):
    ds = DATASETS.build(dict(type='MedicalImageDataset', data_root=str(flat),
                             pipeline=_sketch_pipeline(True, max_items=2)))
    wrapper = ds.pipeline.transforms[0]
    for i in (0, 1, 2, 0):
        ds[i]
    assert len(wrapper._cache) == 2 and wrapper.misses == 4  # 0 was evicted
    # a file that fails is not cached: it fails each time, naming the file
    bad = tmp_path / 'bad'
    _write(bad / 'a.png')
    _write(bad / 'b.png', seed=1)
    ds = DATASETS.build(dict(type='MedicalImageDataset', data_root=str(bad),
                             check_files='none',
                             pipeline=_sketch_pipeline(True)))
    _truncate(bad / 'b.png')
    for _ in range(2):
        with pytest.raises(Exception, match='b.png'):
            ds[1]
    assert len(ds.pipeline.transforms[0]._cache) == 0
    with pytest.raises(ValueError, match='max_items'):
        TRANSFORMS.build(dict(type='CachedTransforms', transforms=[],
                              max_items=0))
