"""Vessel sets in the generic folder layout (images/, labels/, masks/)."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mmskr.datasets import (find_vessel_set, load_vessel_native,
                            vessel_folder_triples)
from mmskr.datasets.io import BadImageError

H, W = 40, 48
CENTER, RADIUS = (W // 2, H // 2), 17


def disc() -> np.ndarray:
    """HxW uint8 {0, 1}: the field of view every generated image has."""
    fov = np.zeros((H, W), np.uint8)
    cv2.circle(fov, CENTER, RADIUS, 1, -1)
    return fov


def fundus(seed: int = 0):
    """A bright disc on black with dark lines inside it.

    Returns:
        tuple: HxWx3 uint8 RGB image, HxW uint8 {0, 1} vessel label.
    """
    rng = np.random.default_rng(seed)
    vessel = np.zeros((H, W), np.uint8)
    for _ in range(3):
        p = rng.integers(8, 32, 4)
        cv2.line(vessel, (int(p[0]), int(p[1])), (int(p[2]), int(p[3])), 1, 1)
    vessel &= disc()
    img = np.zeros((H, W, 3), np.uint8)
    img[disc() == 1] = (150, 90, 40)
    img[vessel == 1] = (70, 40, 25)  # darker, but still above threshold 20
    return img, vessel


def write(path, array: np.ndarray) -> str:
    """Write an RGB or gray uint8 array with cv2; return the path."""
    os.makedirs(osp.dirname(str(path)), exist_ok=True)
    if array.ndim == 3:
        array = array[..., ::-1]  # cv2 writes BGR
    assert cv2.imwrite(str(path), np.ascontiguousarray(array))
    return str(path)


def make_set(root, stems=('a', 'b'), masks=True, img_ext='.ppm',
             label_ext='.png', mask_ext='.tif', label_scale=255):
    """A folder-layout set under ``root``; returns {stem: (img, vessel)}."""
    samples = {}
    for i, stem in enumerate(stems):
        img, vessel = fundus(i)
        write(osp.join(root, 'images', stem + img_ext), img)
        write(osp.join(root, 'labels', stem + label_ext),
              vessel * label_scale)
        if masks:
            write(osp.join(root, 'masks', stem + mask_ext), disc() * 255)
        samples[stem] = img, vessel
    return samples


def test_matches_by_stem_across_extensions(tmp_path):
    make_set(tmp_path, stems=('im2', 'im1'))
    open(tmp_path / 'images' / '.hidden.png', 'wb').close()
    open(tmp_path / 'labels' / 'README.txt', 'w').close()
    triples = vessel_folder_triples(str(tmp_path))
    assert [t['sample_id'] for t in triples] == ['im1', 'im2']
    assert triples[0] == dict(
        sample_id='im1', img_path=str(tmp_path / 'images' / 'im1.ppm'),
        vessel_path=str(tmp_path / 'labels' / 'im1.png'),
        mask_path=str(tmp_path / 'masks' / 'im1.tif'))


def test_load_with_masks(tmp_path):
    samples = make_set(tmp_path, label_scale=1)  # labels stored as 0/1
    data = load_vessel_native(vessel_folder_triples(str(tmp_path)))
    assert data['sample_id'] == ['a', 'b'] and not data['fov_estimated']
    for i, stem in enumerate(('a', 'b')):
        img, vessel = samples[stem]
        assert data['img'][i].shape == (H, W, 3)
        assert data['img'][i].dtype == np.uint8
        np.testing.assert_array_equal(data['img'][i], img)
        np.testing.assert_array_equal(data['vessel'][i], vessel)
        np.testing.assert_array_equal(data['fov'][i], disc())


def test_load_without_masks_estimates_the_disc(tmp_path):
    samples = make_set(tmp_path, masks=False, img_ext='.png',
                       label_ext='.bmp')
    triples = vessel_folder_triples(str(tmp_path))
    assert all(t['mask_path'] is None for t in triples)
    data = load_vessel_native(triples)
    assert data['fov_estimated']
    for i, stem in enumerate(('a', 'b')):
        np.testing.assert_array_equal(data['fov'][i], disc())
        np.testing.assert_array_equal(data['vessel'][i], samples[stem][1])
    eroded = load_vessel_native(triples, fov_erode=2)['fov'][0]
    assert 0 < eroded.sum() < disc().sum()


def test_root_and_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='is not a folder'):
        vessel_folder_triples(str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match=r"images' does not exist"):
        vessel_folder_triples(str(tmp_path))
    os.makedirs(tmp_path / 'images')
    open(tmp_path / 'images' / 'notes.txt', 'w').close()
    with pytest.raises(FileNotFoundError, match='no image files in'):
        vessel_folder_triples(str(tmp_path))
    write(tmp_path / 'images' / 'a.png', fundus()[0])
    with pytest.raises(FileNotFoundError, match=r"labels' does not exist"):
        vessel_folder_triples(str(tmp_path))


def test_image_without_label_lists_five_stems(tmp_path):
    make_set(tmp_path, stems=['s0'])
    for i in range(1, 8):
        write(tmp_path / 'images' / f's{i}.png', fundus()[0])
        write(tmp_path / 'masks' / f's{i}.png', disc() * 255)
    with pytest.raises(FileNotFoundError,
                       match=r"7 image\(s\) .* have no label file: 's1', "
                       r"'s2', 's3', 's4', 's5' \(and 2 more\); expected "
                       r".*labels/<stem>\.<ext>"):
        vessel_folder_triples(str(tmp_path))


def test_label_or_mask_without_image(tmp_path):
    make_set(tmp_path)
    write(tmp_path / 'labels' / 'extra.png', disc() * 255)
    with pytest.raises(FileNotFoundError,
                       match=r"labels' have no image .*'extra'"):
        vessel_folder_triples(str(tmp_path))
    os.remove(tmp_path / 'labels' / 'extra.png')
    write(tmp_path / 'masks' / 'extra.png', disc() * 255)
    with pytest.raises(FileNotFoundError,
                       match=r"masks' have no image .*'extra'"):
        vessel_folder_triples(str(tmp_path))


def test_image_without_mask(tmp_path):
    make_set(tmp_path)
    os.remove(tmp_path / 'masks' / 'b.tif')
    with pytest.raises(FileNotFoundError,
                       match=r"have no mask file: 'b'.*remove masks/"):
        vessel_folder_triples(str(tmp_path))


def test_two_files_with_one_stem(tmp_path):
    make_set(tmp_path)
    write(tmp_path / 'labels' / 'a.tif', fundus()[1] * 255)
    with pytest.raises(ValueError,
                       match=r"two files with the stem 'a' in .*labels'"):
        vessel_folder_triples(str(tmp_path))


def test_size_mismatch_names_the_files(tmp_path):
    make_set(tmp_path, stems=['a'])
    write(tmp_path / 'labels' / 'a.png', np.zeros((H, W + 2), np.uint8))
    with pytest.raises(ValueError, match=r"sizes differ .*image .*a\.ppm' "
                       r"40x48, label .*a\.png' 40x50, mask .*a\.tif' 40x48"):
        load_vessel_native(vessel_folder_triples(str(tmp_path)))


def test_no_vessel_inside_fov(tmp_path):
    make_set(tmp_path, stems=['a'])
    write(tmp_path / 'masks' / 'a.tif', (1 - disc()) * 255)  # inverted
    with pytest.raises(ValueError, match=r"label .*a\.png' of sample 'a': no "
                       r'vessel pixel lies inside .*inverted or wrong'):
        load_vessel_native(vessel_folder_triples(str(tmp_path)))
    write(tmp_path / 'labels' / 'a.png', np.zeros((H, W), np.uint8))
    with pytest.raises(ValueError, match='no vessel pixel at all'):
        load_vessel_native(vessel_folder_triples(str(tmp_path)))


def test_unreadable_file_raises_read_error(tmp_path):
    make_set(tmp_path, stems=['a'])
    with open(tmp_path / 'labels' / 'a.png', 'wb') as f:
        f.write(b'not a png at all')
    with pytest.raises(BadImageError, match=r"a\.png'"):
        load_vessel_native(vessel_folder_triples(str(tmp_path)))
    with pytest.raises(ValueError, match='got no triples'):
        load_vessel_native([])


def test_find_vessel_set_layouts(tmp_path):
    drive = tmp_path / 'DRIVE' / 'training'
    img, vessel = fundus()
    write(drive / 'images' / '21_training.tif', img)
    write(drive / '1st_manual' / '21_manual1.png', vessel * 255)
    write(drive / 'mask' / '21_training_mask.png', disc() * 255)
    triples = find_vessel_set(str(tmp_path / 'DRIVE'), 'training')
    assert [t['sample_id'] for t in triples] == ['21']
    assert triples[0]['mask_path'].endswith('21_training_mask.png')

    make_set(tmp_path / 'split' / 'test', stems=['x'], masks=False)
    triples = find_vessel_set(str(tmp_path / 'split'), 'test')
    assert [t['sample_id'] for t in triples] == ['x']
    assert triples[0]['mask_path'] is None

    make_set(tmp_path / 'flat', stems=['p', 'q'])
    triples = find_vessel_set(str(tmp_path / 'flat'), 'training')
    assert [t['sample_id'] for t in triples] == ['p', 'q']

    with pytest.raises(FileNotFoundError,
                       match=r"no vessel set in .* for split 'test'.*"
                       r'Accepted layouts.*DRIVE layout'):
        find_vessel_set(str(tmp_path / 'flat' / 'labels'), 'test')


@pytest.mark.realdata
def test_real_drive_native(data_root):
    drive = osp.join(data_root, 'DRIVE')
    if not osp.isdir(osp.join(drive, 'training')):
        pytest.skip(f'no DRIVE/training in {data_root!r}')
    triples = find_vessel_set(drive, 'training')
    assert len(triples) == 20
    data = load_vessel_native(triples[:2])
    assert not data['fov_estimated']
    for img, vessel, fov in zip(data['img'], data['vessel'], data['fov']):
        assert img.shape == (584, 565, 3)
        assert vessel.shape == fov.shape == (584, 565)
        fraction = vessel[fov == 1].mean()
        assert 0.05 < fraction < 0.25
