"""Item 4: bad image files and bad folders give an error that names the file
and the problem (or, with ``skip_bad=True``, are skipped and counted), and
no training starts on them."""
import os
import os.path as osp
import shutil
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from reliability_utils import load_tool, tiny_argv, write_gray_tiff

from mmskr.datasets import (BadImageError, BadImageWarning, DRIVEDataset,
                            MedicalImageDataset)

GOOD = 4  # good images beside each bad one


def _image(seed: int = 0, size: int = 32) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size, size, 3),
                                                np.uint8)


def _cut(fmt: str):
    """Writer of an image file cut to 60 % of its bytes."""

    def write(path):
        Image.fromarray(_image()).save(path, format=fmt)
        with open(path, 'rb') as f:
            data = f.read()
        with open(path, 'wb') as f:
            f.write(data[:len(data) * 6 // 10])

    return write


def _bomb(path):
    """A 70-byte PNG declaring 100000 x 100000 pixels."""

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data)))

    ihdr = struct.pack('>IIBBBBB', 100_000, 100_000, 8, 0, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                chunk(b'IDAT', zlib.compress(b'\x00' * 16)) +
                chunk(b'IEND', b''))


def _bytes(data: bytes):

    def write(path):
        with open(path, 'wb') as f:
            f.write(data)

    return write


# name of the bad file, writer, the problem the error must state
BAD_FILES = {
    'zero-byte': ('empty.png', _bytes(b''), r'empty \(0 bytes\)'),
    'random-bytes': ('noise.jpg', _bytes(np.random.default_rng(1).bytes(700)),
                     'not a readable image'),
    'truncated-jpeg': ('cut.jpg', _cut('JPEG'), 'truncated: the JPEG end'),
    'truncated-png': ('cut.png', _cut('PNG'), 'truncated: the PNG IEND'),
    'truncated-tiff': ('cut.tif', _cut('TIFF'), 'truncated: the TIFF image'),
    'decompression-bomb': ('bomb.png', _bomb,
                           'too large.*decompression bomb'),
    'float64-tiff': ('f64.tif', lambda p: write_gray_tiff(
        p, np.random.default_rng(0).random((8, 8)), 3),
                     'unsupported bit depth: 64-bit floating point'),
    'signed-8-bit-tiff': ('i8.tif', lambda p: write_gray_tiff(
        p, np.arange(-32, 32, dtype=np.int8).reshape(8, 8), 2),
                          'unsupported bit depth: 8-bit signed integer'),
}


def _folder(root, bad: str = None) -> str:
    """GOOD PNG images, plus the bad file ``bad`` (a BAD_FILES key)."""
    os.makedirs(root, exist_ok=True)
    for i in range(GOOD):
        Image.fromarray(_image(i)).save(osp.join(root, f'good{i}.png'))
    if bad is not None:
        name, write, _ = BAD_FILES[bad]
        write(osp.join(root, name))
    return str(root)


@pytest.mark.parametrize('bad', sorted(BAD_FILES))
def test_bad_file_is_named_or_skipped_and_counted(bad, tmp_path):
    name, _, problem = BAD_FILES[bad]
    root = _folder(tmp_path / 'images', bad)
    path = osp.join(root, name)
    with pytest.raises(BadImageError, match=problem) as info:
        MedicalImageDataset(root)  # the defaults the configs use
    assert info.value.path == path and path in str(info.value)
    with pytest.warns(BadImageWarning) as record:
        ds = MedicalImageDataset(root, skip_bad=True)
    assert len(record) == 1
    message = str(record[0].message)
    assert message.startswith(f'1 of {GOOD + 1} image files')
    assert path in message
    assert len(ds) == GOOD and ds.metainfo['num_images'] == GOOD


def test_all_bad_files_skipped_and_counted_together(tmp_path):
    root = _folder(tmp_path / 'images')
    for name, write, _ in BAD_FILES.values():
        write(osp.join(root, name))
    with pytest.warns(BadImageWarning) as record:
        ds = MedicalImageDataset(root, skip_bad=True)
    message = str(record[0].message)
    assert message.startswith(
        f'{len(BAD_FILES)} of {GOOD + len(BAD_FILES)} image files')
    assert all(name in message for name, _, _ in BAD_FILES.values())
    assert len(ds) == GOOD
    with pytest.warns(BadImageWarning), pytest.raises(
            ValueError, match='4 usable images .* min_images=5'):
        MedicalImageDataset(root, skip_bad=True, min_images=5)


def test_training_does_not_start_on_a_truncated_file(fake_data_root,
                                                     tmp_path, monkeypatch):
    """Before this check ran at init, a truncated file passed the header
    check and stopped training whenever the sampler reached it."""
    data = tmp_path / 'data'
    ct = data / 'LUNG_CT_KMADER' / '2d_images'
    shutil.copytree(osp.join(fake_data_root, 'LUNG_CT_KMADER'),
                    data / 'LUNG_CT_KMADER')
    _cut('JPEG')(str(ct / 'ID_9999_Z_0001.tif'))
    monkeypatch.setenv('MMSKR_DATA_ROOT', str(data))
    work = tmp_path / 'work'
    train = load_tool('tools/train.py')
    with pytest.raises(BadImageError, match='ID_9999.*truncated'):
        train.main(tiny_argv(str(work), 2))
    assert not list(work.glob('iter_*.pth'))


def test_folder_without_images(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    (empty / 'notes.txt').write_text('no images here')
    with pytest.raises(FileNotFoundError, match='no image files in .*empty'):
        MedicalImageDataset(str(empty))
    with pytest.raises(FileNotFoundError, match='missing.* does not exist'):
        MedicalImageDataset(str(tmp_path / 'missing'))


def test_label_folder_with_one_image(tmp_path):
    """A class (label) folder holding a single image, fewer than a batch."""
    root = tmp_path / 'chest'
    _folder(root / 'NORMAL')
    (root / 'PNEUMONIA').mkdir()
    Image.fromarray(_image()).save(root / 'PNEUMONIA' / 'p0.png')
    with pytest.raises(ValueError,
                       match=r'1 usable images .*PNEUMONIA.*min_images=4'):
        MedicalImageDataset(str(root / 'PNEUMONIA'), min_images=4)
    with pytest.raises(ValueError, match=r'1 usable images .*min_images=4'):
        MedicalImageDataset(str(root), classes=['PNEUMONIA'], min_images=4)


def test_segmentation_label_folder_with_one_label(tmp_path):
    """DRIVE: images 21..24 but a vessel label for 21 only."""
    split = tmp_path / 'DRIVE' / 'training'
    for sub, pattern in (('images', '{}_training.tif'),
                         ('mask', '{}_training_mask.gif')):
        os.makedirs(split / sub)
        for i in range(21, 25):
            Image.fromarray(_image(i, 8)).save(split / sub / pattern.format(i))
    os.makedirs(split / '1st_manual')
    Image.fromarray(_image(0, 8)[..., 0]).save(split / '1st_manual' /
                                               '21_manual1.gif')
    with pytest.raises(FileNotFoundError,
                       match='22_training.tif.* has no matching vessel'):
        DRIVEDataset(str(tmp_path / 'DRIVE'))
