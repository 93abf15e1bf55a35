"""Your own images: the folder configs, the startup summary, values read
from the data, the percentile window and ``compare.py --images``."""
import glob
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from mmskr.apis import (auto_keys, fill_from_checkpoint_meta, fill_from_data,
                        generate_images, init_model)
from mmskr.datasets.folder_summary import summarize_images, summary_lines
from training_runs import load_cli

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
FOLDER_64 = sorted(glob.glob(osp.join(REPO, 'configs/*/*_folder_64px.py')))
FOLDER_ALL = sorted(glob.glob(osp.join(REPO, 'configs/*/*_folder_*px.py')))
# every 128 px config; at 256 px the progressive ones (their schedule)
FOLDER_MID = [c for c in FOLDER_ALL if c.endswith('_128px.py') or c.endswith(
    ('skrgan_folder_256px.py', 'pggan_folder_256px.py'))]


def _size(config):
    return int(config.rsplit('_', 1)[1][:-len('px.py')])


def _blobs(rng, size):
    img = np.zeros((size, size), np.uint8)
    for _ in range(4):
        c = tuple(int(v) for v in rng.integers(4, size - 4, 2))
        cv2.circle(img, c, int(rng.integers(2, 8)), int(rng.integers(80,
                                                                      255)),
                   -1)
    cv2.line(img, (0, int(rng.integers(size))), (size - 1, 5), 200, 1)
    return img


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """Tiny networks: one intra-op thread (as tests/test_baselines.py)."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    """Three user folders: grey PNGs in nested sub-folders, 16-bit TIFFs,
    and colour PNGs in two class sub-folders."""
    root = tmp_path_factory.mktemp('own')
    rng = np.random.default_rng(0)
    gray = root / 'gray'
    for i in range(6):
        sub = gray / ('scan_a' if i < 3 else 'scan_b/deeper')
        os.makedirs(sub, exist_ok=True)
        cv2.imwrite(str(sub / f'img {i}.png'), _blobs(rng, 40))
    wide = root / 'tiff16'
    os.makedirs(wide)
    for i in range(6):
        img = _blobs(rng, 40).astype(np.uint16) * 20 + 1000
        img[0, 0] = 65535  # one hot pixel
        cv2.imwrite(str(wide / f'slice_{i}.tif'), img)
    classes = root / 'classes'
    for name in ('benign', 'malignant'):
        os.makedirs(classes / name)
        for i in range(3):
            blobs = _blobs(rng, 40)  # tinted: a colour set
            cv2.imwrite(str(classes / name / f'{i}.png'),
                        cv2.merge([blobs, blobs // 2, blobs]))
    return {k: str(root / k) for k in ('gray', 'tiff16', 'classes')}


def _train(config, data_root, work, monkeypatch, iters=2):
    """tools/train.py in-process; its --data-root sets MMSKR_DATA_ROOT for
    the process, which monkeypatch puts back after the test."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', data_root)
    train = load_cli('tools/train.py')
    train.main([
        config, '--data-root', data_root, '--work-dir', work,
        '--cfg-options', f'train_cfg.max_iters={iters}',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=4', 'val_dataloader=None',
        'val_cfg=None', 'val_evaluator=None', 'default_hooks.logger.interval=1'
    ])
    logs = glob.glob(osp.join(work, '*', '*.log'))
    return open(logs[0]).read()


@pytest.mark.parametrize('config', FOLDER_64, ids=osp.basename)
def test_folder_config_trains_on_a_folder(config, folders, tmp_path,
                                          monkeypatch):
    """Two iterations of each 64 px folder config on a folder given as the
    data root (grey PNGs in nested sub-folders; SkrGAN: 16-bit TIFFs;
    ACGAN: RGB class sub-folders); the log starts with what was found.
    Grey sets train single-channel networks; ACGAN takes its labels (and
    its class count) from the class sub-folders."""
    acgan, skrgan = 'acgan' in config, 'skrgan' in config
    data = folders['classes' if acgan else 'tiff16' if skrgan else 'gray']
    log = _train(config, data, str(tmp_path / 'work'), monkeypatch)
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')
    assert f'data: 6 images in {data}' in log
    model = init_model(config, str(tmp_path / 'work' / 'iter_2.pth'))
    out = generate_images(model, [0, 1])
    if acgan:
        assert 'from the data: model.num_classes = 2' in log
        assert 'data: classes benign (3), malignant (3)' in log
        # sampling reads the class count from the run's own config
        assert model.num_classes == 2
        assert out['fake_img'].shape == (2, 3, 64, 64)  # RGB set
        return
    # grey sets train single-channel networks
    assert 'from the data: data_channels = 1' in log
    assert out['fake_img'].shape == (2, 1, 64, 64)
    if skrgan:  # 16-bit TIFFs, windowed by their percentiles
        assert '6 with more than 8 bits per sample' in log
        assert out['fake_sketch'].shape == (2, 1, 64, 64)
    else:
        assert 'data: modes L x6 (all single-channel)' in log
        assert "sub-folders ['scan_a', 'scan_b'] could be classes" in log


def test_acgan_folder_config_needs_class_sub_folders(folders):
    cfg = Config.fromfile(osp.join(REPO,
                                   'configs/acgan/acgan_folder_64px.py'))
    assert auto_keys(cfg) == ['model.num_classes', 'data_channels']
    cfg.train_dataloader.dataset.data_root = folders['tiff16']  # flat
    with pytest.raises(ValueError, match="image files lie directly"):
        fill_from_data(cfg)
    with pytest.raises(ValueError, match='carries no config'):
        fill_from_checkpoint_meta(cfg, {})
    filled = fill_from_checkpoint_meta(cfg, dict(cfg=Config(dict(
        model=dict(num_classes=3), data_channels=1)).pretty_text))
    assert filled == {'model.num_classes': 3, 'data_channels': 1}
    assert not auto_keys(cfg)
    # the run's channels reach every image loader, both networks, the metrics
    assert cfg.model.generator.out_channels == 1
    assert cfg.model.discriminator.in_channels == 1
    loads = [t for t in cfg.train_dataloader.dataset.pipeline[0].transforms
             if t.type == 'LoadMedicalImage']
    assert loads[0].channels == 1
    assert cfg.val_evaluator.metrics[-1].image_shape == (1, 64, 64)


@pytest.mark.parametrize('config', FOLDER_ALL, ids=osp.basename)
def test_folder_configs_read_the_data_root_itself(config):
    cfg = Config.fromfile(config)
    size = _size(config)
    for split in ('train', 'val'):
        ds = cfg[f'{split}_dataloader'].dataset
        assert ds.type == 'MedicalImageDataset'
        assert ds.data_prefix == dict(gt='') and ds.window == 'percentile'
        assert ds.get('classes') == ('auto' if 'acgan' in config else None)
    resize = [t for t in cfg.train_dataloader.dataset.pipeline[0].transforms
              if t.type == 'Resize']
    assert resize[0].scale == (size, size)


@pytest.mark.parametrize('config', FOLDER_MID, ids=osp.basename)
def test_mid_size_folder_configs_generate_at_their_size(config, folders):
    """The 128 / 256 px folder configs: the paper's models at that size
    (progressive models on PGGAN's schedule up to it, a U-Net down to 1x1)
    generate S x S images, their channels and classes read from the
    folder."""
    size = _size(config)
    cfg = Config.fromfile(config)
    progressive = cfg.model.get('sketch_gan', cfg.model)
    if 'nkimgs_per_scale' in progressive:
        assert max(map(int, progressive.nkimgs_per_scale)) == size
    model = init_model(
        config, cfg_options={
            'train_dataloader.dataset.data_root': folders['classes']})
    out = generate_images(model, [0])
    assert out['fake_img'].shape == (1, 3, size, size)
    if 'skrgan' in config:
        assert out['fake_sketch'].shape == (1, 1, size, size)


def test_sixteen_bit_images_use_the_percentile_window(folders):
    """The folder data set windows 16-bit images by their own 0.5 / 99.5
    percentiles: one hot pixel does not squash the rest to black."""
    from mmagic.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    pipe = [dict(type='LoadMedicalImage', key='gt', channels=1)]
    ds = DATASETS.build(dict(type='MedicalImageDataset',
                             data_root=folders['tiff16'], data_prefix='',
                             window='percentile', pipeline=pipe))
    img = ds[0]['gt'][..., 0]
    assert img.max() == 255 and np.median(img[img > 0]) > 100
    plain = DATASETS.build(dict(type='MedicalImageDataset',
                                data_root=folders['tiff16'], data_prefix='',
                                pipeline=pipe))[0]['gt'][..., 0]
    assert np.median(plain[plain > 0]) < 60  # min-max: the hot pixel wins
    paths = [ds.get_data_info(i)['gt_path'] for i in range(len(ds))]
    lines = summary_lines(summarize_images(paths))
    assert '6 with more than 8 bits per sample' in lines[1]


def test_summary_warns_of_small_mixed_and_uneven_sets(tmp_path):
    rng = np.random.default_rng(1)
    paths = []
    for i, (size, color) in enumerate([(40, False), (40, True), (200, True)]):
        img = _blobs(rng, size)
        img = cv2.merge([img, img // 2, img]) if color else img  # tinted
        paths.append(str(tmp_path / f'{i}.png'))
        cv2.imwrite(paths[-1], img)
    s = summarize_images(paths, batch_size=16)
    assert s['num_images'] == 3 and s['channels'] == 3
    assert s['min_size'] == (40, 40) and s['max_size'] == (200, 200)
    text = '\n'.join(summary_lines(s))
    assert 'only 3 images for a batch of 16' in text
    assert 'mixed modes' in text and '1 single-channel and 2 colour' in text
    assert 'sizes range from 40x40 to 200x200' in text


def test_grey_images_stored_as_colour_count_as_grey(tmp_path):
    """Scans saved as RGB (or palette) files whose channels agree train
    single-channel; one tinted file makes the set colour."""
    rng = np.random.default_rng(2)
    paths = []
    for i in range(3):
        img = _blobs(rng, 32)
        paths.append(str(tmp_path / f'{i}.png'))
        cv2.imwrite(paths[-1], cv2.merge([img] * 3) if i else img)
    s = summarize_images(paths)
    assert s['channels'] == 1 and s['grey_as_colour'] == 2
    assert not s['warnings']
    assert '(all grey; 2 colour files hold grey images)' in summary_lines(s)[1]
    img = _blobs(rng, 32)
    cv2.imwrite(paths[-1], cv2.merge([img, img, cv2.add(img, 9)]))
    s = summarize_images(paths)
    assert s['channels'] == 3 and s['grey_as_colour'] == 0
    assert 'mixed modes' in s['warnings'][0]


def test_compare_images_runs_the_protocol_on_a_folder(folders, tmp_path,
                                                      capsys):
    """The smoke protocol on the grey folder: ACGAN, single-channel, its
    two sub-folders as classes."""
    compare = load_cli('benchmarks/compare.py')
    out = tmp_path / 'res'
    rc = compare.main(['--preset', 'smoke', '--images', folders['gray'],
                       '--name', 'lesions', '--only', 'acgan',
                       '--work-dir', str(tmp_path / 'w'), '--results-dir',
                       str(out)])
    assert rc == 0
    table = open(out / 'table.md').read()
    rows = [x for x in table.splitlines() if x.startswith('| lesions')]
    assert rows and any('SWD x1e3' in x for x in rows)
    assert 'reported' not in ''.join(rows)  # no paper values for a folder
    assert osp.isfile(out / 'samples.png')
    assert osp.isfile(tmp_path / 'w' / 'smoke' / 'acgan_lesions' / 'seed0' /
                      'iter_4.pth')
    for bad, msg in ([['--images', folders['gray']], 'go together'],
                     [['--images', folders['gray'], '--name', 'fundus'],
                      'is a paper modality'],
                     [['--images', folders['gray'], '--name', 'a b'],
                      'letters, digits'],
                     [['--images', str(tmp_path / 'none'), '--name', 'x'],
                      'pass the folder of your images']):
        assert compare.main(['--preset', 'smoke'] + bad) == 2
        assert msg in capsys.readouterr().err

