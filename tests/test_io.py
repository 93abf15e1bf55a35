"""Tests for mmskr.datasets.io: decoding, intensity rules, bad files."""
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

import mmskr  # noqa: F401
from mmskr.datasets.io import (BadImageError, convert_channels,
                               list_image_files, minmax_to_uint8,
                               normalize_window, probe_image,
                               read_medical_image, window_to_uint8)


def _rgb(h=16, w=24, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), np.uint8)


def _save(path, array_or_image, fmt=None, **kwargs):
    im = (array_or_image if isinstance(array_or_image, Image.Image) else
          Image.fromarray(array_or_image))
    im.save(path, format=fmt, **kwargs)
    return str(path)


# --------------------------------------------------------------- modes
def test_rgb_png_exact(tmp_path):
    a = _rgb()
    out = read_medical_image(_save(tmp_path / 'a.png', a))
    assert out.dtype == np.uint8 and out.shape == (16, 24, 3)
    np.testing.assert_array_equal(out, a)
    assert out.flags['C_CONTIGUOUS'] and out.flags['WRITEABLE']


def test_gray_l_native_and_replicated(tmp_path):
    g = _rgb()[..., 0]
    path = _save(tmp_path / 'g.png', g)
    native = read_medical_image(path, channels=None)
    assert native.shape == (16, 24, 1)
    np.testing.assert_array_equal(native[..., 0], g)
    rgb = read_medical_image(path, channels=3)
    assert rgb.shape == (16, 24, 3)
    for c in range(3):
        np.testing.assert_array_equal(rgb[..., c], g)


def test_rgb_to_gray_matches_pillow_luma(tmp_path):
    a = _rgb()
    path = _save(tmp_path / 'a.png', a)
    gray = read_medical_image(path, channels=1)
    assert gray.shape == (16, 24, 1)
    ref = np.asarray(Image.fromarray(a).convert('L')).astype(int)
    assert np.abs(gray[..., 0].astype(int) - ref).max() <= 1


def test_rgba_composited_on_black(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[...] = (200, 100, 50, 255)
    rgba[0, 0] = (200, 100, 50, 0)  # fully transparent -> black
    rgba[1, 1] = (200, 100, 50, 128)  # half -> about half
    out = read_medical_image(_save(tmp_path / 'a.png', rgba))
    assert out.shape == (4, 4, 3)
    np.testing.assert_array_equal(out[0, 0], (0, 0, 0))
    np.testing.assert_array_equal(out[1, 1], (100, 50, 25))
    np.testing.assert_array_equal(out[2, 2], (200, 100, 50))


def test_palette_expanded_to_rgb(tmp_path):
    im = Image.new('P', (5, 3))
    palette = [0, 0, 0, 255, 0, 0, 10, 20, 30] + [0] * (256 * 3 - 9)
    im.putpalette(palette)
    im.putpixel((0, 0), 1)
    im.putpixel((4, 2), 2)
    out = read_medical_image(_save(tmp_path / 'p.png', im), channels=None)
    assert out.shape == (3, 5, 3)
    np.testing.assert_array_equal(out[0, 0], (255, 0, 0))
    np.testing.assert_array_equal(out[2, 4], (10, 20, 30))
    np.testing.assert_array_equal(out[1, 1], (0, 0, 0))


def test_bilevel_mode_1(tmp_path):
    im = Image.new('1', (4, 4), 0)
    im.putpixel((1, 2), 1)
    out = read_medical_image(_save(tmp_path / 'b.png', im), channels=None)
    assert out.shape == (4, 4, 1)
    assert out[2, 1, 0] == 255 and out.sum() == 255


def test_gif_label_read(tmp_path):
    """DRIVE labels are GIF, which OpenCV cannot decode."""
    g = np.zeros((8, 8), np.uint8)
    g[2:5, 3] = 255
    out = read_medical_image(_save(tmp_path / 'l.gif', g), channels=1)
    np.testing.assert_array_equal(out[..., 0], g)


def test_content_not_extension(tmp_path):
    a = _rgb()
    path = _save(tmp_path / 'really png.jpg', a, fmt='PNG')  # lossless
    np.testing.assert_array_equal(read_medical_image(path), a)
    assert probe_image(path)['format'] == 'PNG'


def test_spaces_and_unicode_in_names(tmp_path):
    a = _rgb()
    path = _save(tmp_path / 'no 96 é.png', a)
    np.testing.assert_array_equal(read_medical_image(path), a)


# --------------------------------------------------------- 16-bit rules
def test_int16_hu_tiff_windowed(tmp_path):
    hu = np.array([[-2000, -1000, -300, 0, 400, 1000]], np.int16)
    path = _save(tmp_path / 'ct.tif', hu)
    out = read_medical_image(path, channels=None)
    assert out.shape == (1, 6, 1) and out.dtype == np.uint8
    # (clip(v, -1000, 400) + 1000) / 1400 * 255, halves up:
    # -300 -> 127.5 -> 128, 0 -> 182.1 -> 182
    np.testing.assert_array_equal(out[0, :, 0], [0, 0, 128, 182, 255, 255])
    out3 = read_medical_image(path, channels=3)
    assert out3.shape == (1, 6, 3)
    np.testing.assert_array_equal(out3[..., 1], out[..., 0])


def test_int16_custom_window_and_minmax(tmp_path):
    hu = np.array([[-100, 0, 50, 100, 200]], np.int16)
    path = _save(tmp_path / 'ct.tif', hu)
    out = read_medical_image(path, channels=None, window=(0, 100))
    np.testing.assert_array_equal(out[0, :, 0], [0, 0, 128, 255, 255])
    out = read_medical_image(path, channels=None, window=None)
    np.testing.assert_array_equal(out[0, :, 0], [0, 85, 128, 170, 255])


def test_uint16_png_minmax(tmp_path):
    v = np.array([[1000, 2000, 3000]], np.uint16)
    path = _save(tmp_path / 'u16.png', v)
    assert probe_image(path)['mode'].startswith('I;16')
    out = read_medical_image(path, channels=None)
    np.testing.assert_array_equal(out[0, :, 0], [0, 128, 255])
    const = _save(tmp_path / 'c16.png', np.full((2, 2), 7, np.uint16))
    np.testing.assert_array_equal(read_medical_image(const), 0)


def test_float_tiff_minmax(tmp_path):
    f = np.array([[-1.0, 0.0, 1.0]], np.float32)
    out = read_medical_image(_save(tmp_path / 'f.tif', f), channels=None)
    np.testing.assert_array_equal(out[0, :, 0], [0, 128, 255])


def test_pure_helpers():
    np.testing.assert_array_equal(
        window_to_uint8(np.array([-5, 0, 5, 10, 15]), (0, 10)),
        [0, 0, 128, 255, 255])
    np.testing.assert_array_equal(
        minmax_to_uint8(np.array([2.0, 4.0])), [0, 255])
    assert normalize_window([-1000, 400]) == (-1000.0, 400.0)
    assert normalize_window(None) is None
    assert normalize_window('percentile') == 'percentile'
    for bad in [(400, -1000), (1, 1), (1, ), 'ab']:
        with pytest.raises(ValueError, match='lo < hi'):
            normalize_window(bad)
    gray = np.full((2, 2, 1), 9, np.uint8)
    assert convert_channels(gray, 3).shape == (2, 2, 3)
    assert convert_channels(gray, None) is gray
    with pytest.raises(ValueError, match='channels must be 1, 3 or None'):
        convert_channels(gray, 2)


def test_invalid_arguments(tmp_path):
    path = _save(tmp_path / 'a.png', _rgb())
    with pytest.raises(ValueError, match='channels'):
        read_medical_image(path, channels=4)
    with pytest.raises(ValueError, match='window'):
        read_medical_image(path, window=(5, 1))
    with pytest.raises(ValueError, match='max_pixels'):
        read_medical_image(path, max_pixels=0)


# ------------------------------------------------------------ bad files
def _assert_bad(path, match, **kwargs):
    with pytest.raises(BadImageError, match=match) as info:
        read_medical_image(str(path), **kwargs)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.png'):
        read_medical_image(str(tmp_path / 'nope.png'))


def test_zero_byte(tmp_path):
    path = tmp_path / 'empty.png'
    path.write_bytes(b'')
    _assert_bad(path, r'empty \(0 bytes\)')
    with pytest.raises(BadImageError):
        probe_image(str(path))


def test_random_bytes(tmp_path):
    path = tmp_path / 'noise.jpg'
    path.write_bytes(np.random.default_rng(0).bytes(500))
    err = _assert_bad(path, 'not a readable image')
    assert 'skip_bad=True' in str(err)  # says what to do


@pytest.mark.parametrize('fmt,name', [('JPEG', 'cut.jpg'), ('PNG', 'cut.png'),
                                      ('TIFF', 'cut.tif')])
@pytest.mark.parametrize('fraction', [0.5, 0.9])
def test_truncated(tmp_path, fmt, name, fraction):
    full = tmp_path / f'full.{fmt.lower()}'
    _save(full, _rgb(32, 32), fmt=fmt)
    data = full.read_bytes()
    path = tmp_path / name
    path.write_bytes(data[:int(len(data) * fraction)])
    assert np.asarray(Image.open(full)).shape == (32, 32, 3)  # control
    _assert_bad(path, 'truncated|damaged|not a readable image')


def test_truncated_jpeg_missing_only_end_marker(tmp_path):
    full = tmp_path / 'full.jpg'
    _save(full, _rgb(32, 32), fmt='JPEG')
    path = tmp_path / 'cut.jpg'
    path.write_bytes(full.read_bytes()[:-2])  # EOI marker dropped
    _assert_bad(path, 'pixel data is truncated')
    probe_image(str(path))  # header alone cannot tell


def test_truncated_images_flag_refused(tmp_path, monkeypatch):
    path = _save(tmp_path / 'a.png', _rgb())
    monkeypatch.setattr(ImageFile, 'LOAD_TRUNCATED_IMAGES', True)
    with pytest.raises(ValueError, match='LOAD_TRUNCATED_IMAGES'):
        read_medical_image(path)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data)))


def test_decompression_bomb_declared_size(tmp_path):
    """A 60-byte PNG that declares 100000 x 100000 pixels."""
    ihdr = struct.pack('>IIBBBBB', 100_000, 100_000, 8, 0, 0, 0, 0)
    data = (b'\x89PNG\r\n\x1a\n' + _png_chunk(b'IHDR', ihdr) +
            _png_chunk(b'IDAT', zlib.compress(b'\x00' * 16)) +
            _png_chunk(b'IEND', b''))
    path = tmp_path / 'bomb.png'
    path.write_bytes(data)
    _assert_bad(path, 'too large|max_pixels')
    with pytest.raises(BadImageError):
        probe_image(str(path))


def test_max_pixels_cap(tmp_path):
    path = _save(tmp_path / 'a.png', _rgb(16, 24))
    err = _assert_bad(path, 'max_pixels=100', max_pixels=100)
    assert '24x16 = 384 pixels' in str(err)
    assert read_medical_image(path, max_pixels=384).shape == (16, 24, 3)


# ---------------------------------------------------------------- listing
def test_list_image_files(tmp_path):
    (tmp_path / 'sub dir').mkdir()
    (tmp_path / '.hidden').mkdir()
    for rel in ['b.PNG', 'a 1.jpg', 'sub dir/c.tif', '.hidden/d.png',
                '.e.png', 'notes.txt']:
        (tmp_path / rel).write_bytes(b'x')
    files = list_image_files(str(tmp_path))
    assert [f[len(str(tmp_path)) + 1:] for f in files] == [
        'a 1.jpg', 'b.PNG', 'sub dir/c.tif'
    ]
    assert len(list_image_files(str(tmp_path), recursive=False)) == 2
    assert len(list_image_files(str(tmp_path), extensions='.tif')) == 1
    with pytest.raises(ValueError, match='extensions'):
        list_image_files(str(tmp_path), extensions=['png'])
    with pytest.raises(FileNotFoundError, match='missing'):
        list_image_files(str(tmp_path / 'missing'))
