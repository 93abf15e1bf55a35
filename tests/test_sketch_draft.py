"""Sketch draft preparation (SkrGAN Sec. 2.1): function, transform, tool."""
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

import mmskr  # noqa: F401  (numpy-2 workarounds, registers the transform)
from mmagic.registry import TRANSFORMS
from mmskr.datasets.transforms import SketchDraft, sketch_draft
from mmskr.datasets.transforms.sketch_draft import scaled_sizes
from mmskr.utils import array_to_uint8, tensor_to_uint8
from training_runs import load_cli

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / 'tools' / 'prepare_sketches.py'


def _smooth(h: int = 48, w: int = 40, c: int = 3, seed: int = 0):
    """Smooth random uint8 image spanning 0..255, (h, w, c) or (h, w)."""
    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(
        rng.random((h, w, c)).astype(np.float32), (7, 7), 2).reshape(h, w, c)
    img = (img - img.min()) / (img.max() - img.min())
    img = np.round(img * 255).astype(np.uint8)
    return img if c > 1 else img[:, :, 0]


def _line(size: int = 64, bright: bool = True) -> np.ndarray:
    """Flat background with a 3-px horizontal line through the middle."""
    bg, fg = (20, 200) if bright else (200, 60)
    img = np.full((size, size), bg, np.uint8)
    img[size // 2 - 1:size // 2 + 2] = fg
    return img


# sketch_draft ---------------------------------------------------------------
def test_output_shape_dtype_values():
    img = _smooth(48, 40)
    out = sketch_draft(img)
    assert out.shape == (48, 40)
    assert out.dtype == np.uint8
    assert set(np.unique(out)) <= {0, 255}
    assert 0 < (out > 0).mean() < 0.5


@pytest.mark.parametrize('bright', [True, False])
@pytest.mark.parametrize('ref_size', [512, None])
def test_line_gives_sketch_along_line_only(bright, ref_size):
    out = sketch_draft(_line(64, bright), ref_size=ref_size)
    near = out[32 - 6:32 + 6]
    # every column has structure within 6 px of the line ...
    assert (near > 0).any(axis=0).mean() >= 0.9
    # ... and nothing further than 10 px away
    assert not out[:32 - 10].any()
    assert not out[32 + 10:].any()


@pytest.mark.parametrize('threshold,value', [('otsu', 0.0), ('fixed', 8.0),
                                             ('percentile', 50.0)])
def test_threshold_methods_on_line(threshold, value):
    out = sketch_draft(_line(),
                       threshold=threshold,
                       threshold_value=value,
                       ref_size=None)
    assert (out[26:38] > 0).any(axis=0).all()
    assert not out[:20].any() and not out[44:].any()


@pytest.mark.parametrize('img', [
    np.full((32, 32), 77, np.uint8),
    np.full((32, 32, 3), 9000, np.uint16),
    np.full((32, 32, 1), 0.3, np.float32),
    np.full((16, 24), -5.0),
])
def test_constant_image_gives_empty_sketch(img):
    out = sketch_draft(img)
    assert out.shape == img.shape[:2]
    assert not out.any()


def test_dtypes_and_layouts_agree():
    x = _smooth(40, 36)  # (H, W, 3) uint8, spans 0..255
    ref = sketch_draft(x)
    assert ref.any()
    same = {
        'uint16 x*257': x.astype(np.uint16) * 257,
        'float64 x/255': x / 255.0,
        'float32 x/255': (x / 255.0).astype(np.float32),
        'float, any range': x * 3.7 - 100.0,  # min-max normalised back to x
        'green plane HxW': np.ascontiguousarray(x[:, :, 1]),
        'green plane HxWx1': x[:, :, 1:2].copy(),
    }
    for name, img in same.items():
        np.testing.assert_array_equal(sketch_draft(img), ref, err_msg=name)
    # 'gray' honours the channel order: BGR x == RGB x[..., ::-1]
    gray_bgr = sketch_draft(x, channel='gray')
    gray_rgb = sketch_draft(np.ascontiguousarray(x[:, :, ::-1]),
                            channel='gray',
                            channel_order='rgb')
    np.testing.assert_array_equal(gray_bgr, gray_rgb)
    # grey images stored as 3 equal channels: 'green' == 'gray' == plane
    g = _smooth(40, 36, c=1)
    g3 = cv2.merge((g, g, g))
    np.testing.assert_array_equal(sketch_draft(g3), sketch_draft(g))
    np.testing.assert_array_equal(sketch_draft(g3, channel='gray'),
                                  sketch_draft(g))


def test_array_to_uint8():
    x = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert array_to_uint8(x) is x
    np.testing.assert_array_equal(array_to_uint8(x.astype(np.uint16) * 257), x)
    np.testing.assert_array_equal(array_to_uint8(x / 255.0), x)
    np.testing.assert_array_equal(array_to_uint8(x * 2.0 - 7.0), x)
    assert not array_to_uint8(np.full((2, 2), 4.0)).any()


def test_tensor_to_uint8_ranges_round_and_clip():
    import torch
    x = torch.tensor([-3.0, 0.4, 0.5, 254.6, 300.0])
    # torch.round: halves to even
    np.testing.assert_array_equal(tensor_to_uint8(x), [0, 0, 0, 255, 255])
    y = torch.tensor([-1.5, -1.0, 0.0, 1.0])  # [-1, 1] -> 0..255
    np.testing.assert_array_equal(tensor_to_uint8(y, (-1., 1.)),
                                  [0, 0, 128, 255])
    with pytest.raises(ValueError, match='lo < hi'):
        tensor_to_uint8(x, (1., 1.))


@pytest.mark.parametrize('img,match', [
    (np.zeros((2, 8, 8, 3), np.uint8), r'found shape \(2, 8, 8, 3\)'),
    (np.zeros((8, 8, 2), np.uint8), r'C in \(1, 3\), found shape'),
    (np.zeros((8, 8, 4), np.uint8), r'found shape \(8, 8, 4\)'),
    (np.zeros(8, np.uint8), r'found shape \(8,\)'),
    (np.zeros((0, 8), np.uint8), 'empty image'),
    (np.zeros((8, 0, 3), np.uint8), 'empty image'),
    (np.zeros((8, 8), bool), 'found bool'),
    (np.zeros((8, 8), np.complex64), 'found complex64'),
    (np.zeros((8, 8), np.int16), 'found int16; window signed data'),
    (np.array([[0.0, np.nan]]), 'must be finite'),
    ([[0, 1], [2, 3]], 'expected a numpy array, found list'),
])
def test_invalid_images_raise(img, match):
    with pytest.raises(ValueError, match=match):
        sketch_draft(img)


@pytest.mark.parametrize('kwargs,match', [
    (dict(threshold='mean'), 'threshold must be one of'),
    (dict(threshold_value=100.0), r'\[0, 100\), found 100.0'),
    (dict(threshold='fixed', threshold_value=300), r'\[0, 255\), found 300'),
    (dict(open_size=4), 'open_size must be an odd int >= 1, found 4'),
    (dict(close_size=0), 'close_size must be an odd int >= 1, found 0'),
    (dict(gaussian_ksize=1), 'gaussian_ksize must be an odd int >= 3'),
    (dict(gaussian_sigma=0.0), 'gaussian_sigma must be > 0'),
    (dict(se_shape='disk'), 'se_shape must be one of'),
    (dict(channel='red'), "channel must be one of .*found 'red'"),
    (dict(channel_order='yuv'), 'channel_order must be one of'),
    (dict(ref_size=0), 'ref_size must be None or an int >= 1'),
])
def test_invalid_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sketch_draft(np.zeros((8, 8), np.uint8), **kwargs)


def test_sizes_scale_with_resolution():
    assert scaled_sizes(512, 600) == (5, 1.5, 3, 5)
    assert scaled_sizes(256, 256) == (3, 0.75, 1, 3)
    assert scaled_sizes(64, 64) == (3, 0.1875, 1, 1)
    assert scaled_sizes(1024, 1024) == (11, 3.0, 7, 11)
    assert scaled_sizes(64, 64, ref_size=None) == (5, 1.5, 3, 5)


# SketchDraft transform ------------------------------------------------------
def test_transform_registered_and_writes_keys():
    t = TRANSFORMS.build(dict(type='SketchDraft'))
    assert isinstance(t, SketchDraft)
    img = _smooth(32, 24)
    out = t(dict(gt=img))
    assert out['gt'] is img
    assert out['sketch'].shape == (32, 24, 1)
    assert out['sketch'].dtype == np.uint8
    np.testing.assert_array_equal(out['sketch'][:, :, 0], sketch_draft(img))
    assert out['sketch_channel_order'] == 'rgb'
    assert out['sketch_color_type'] == 'grayscale'

    t3 = TRANSFORMS.build(
        dict(type='SketchDraft',
             key='img',
             sketch_key='gt_sketch',
             sketch_channels=3))
    out3 = t3(dict(img=img))
    assert out3['gt_sketch'].shape == (32, 24, 3)
    assert (out3['gt_sketch'] == out['sketch']).all()
    assert out3['gt_sketch_color_type'] == 'color'
    assert out3['gt_sketch_channel_order'] == 'rgb'


def test_transform_reads_channel_order():
    bgr = _smooth(32, 32)
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    t = SketchDraft(channel='gray')
    from_bgr = t(dict(gt=bgr))['sketch']  # no channel order key: 'bgr'
    from_rgb = t(dict(gt=rgb, gt_channel_order='rgb'))['sketch']
    np.testing.assert_array_equal(from_bgr, from_rgb)


def test_transform_errors_and_repr():
    with pytest.raises(KeyError, match="key 'gt' not in results"):
        SketchDraft()(dict(img=np.zeros((8, 8), np.uint8)))
    with pytest.raises(ValueError, match='sketch_channels must be 1 or 3'):
        SketchDraft(sketch_channels=2)
    with pytest.raises(ValueError, match='open_size'):
        TRANSFORMS.build(dict(type='SketchDraft', open_size=2))
    r = repr(
        SketchDraft(key='img', sketch_key='s', threshold='otsu',
                    ref_size=None))
    for part in ("key='img'", "sketch_key='s'", 'sketch_channels=1',
                 "channel='green'", 'gaussian_ksize=5', 'gaussian_sigma=1.5',
                 "threshold='otsu'", 'threshold_value=88.0', 'open_size=3',
                 'close_size=5', "se_shape='rect'", 'ref_size=None'):
        assert part in r, (part, r)
    assert r.startswith('SketchDraft(')


# tools/prepare_sketches.py --------------------------------------------------
def _load_tool():
    return load_cli('tools/prepare_sketches.py')


def _make_src(root: Path) -> Path:
    src = root / 'src'
    (src / 'a').mkdir(parents=True)
    (src / 'b' / 'c').mkdir(parents=True)
    cv2.imwrite(str(src / 'a' / 'grey.png'), _line(32))
    cv2.imwrite(str(src / 'b' / 'colour.PNG'), _smooth(32, 40, seed=1))
    ct = np.full((32, 32), -1000, np.int16)  # air, with a soft-tissue disc
    cv2.circle(ct, (16, 16), 9, 40, -1)
    cv2.imwrite(str(src / 'b' / 'c' / 'ct.tif'), ct)
    (src / 'a' / 'bad.png').write_bytes(b'not an image at all')
    (src / 'notes.txt').write_text('ignored')
    return src


def test_prepare_sketches_tool(tmp_path):
    src = _make_src(tmp_path)
    res = subprocess.run([
        sys.executable,
        str(TOOL),
        str(src),
        str(tmp_path / 'out'), '--workers', '2', '--skip-bad',
        '--preview-size', '40'
    ],
                         capture_output=True,
                         text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith('4 images, 1 failed, '), res.stdout
    assert len(res.stdout.splitlines()) == 1
    assert str(src / 'a' / 'bad.png') in res.stderr

    out = tmp_path / 'out'
    expected = ['a/grey.png', 'b/colour.png', 'b/c/ct.png']
    sketches = sorted(
        str(p.relative_to(out / 'sketches'))
        for p in (out / 'sketches').rglob('*.png'))
    previews = sorted(
        str(p.relative_to(out / 'previews'))
        for p in (out / 'previews').rglob('*.png'))
    assert sketches == sorted(expected)
    assert previews == sorted(expected)
    sizes = {
        'a/grey.png': (32, 32),
        'b/colour.png': (32, 40),
        'b/c/ct.png': (32, 32)
    }
    for rel, (h, w) in sizes.items():
        sketch = cv2.imread(str(out / 'sketches' / rel), cv2.IMREAD_UNCHANGED)
        assert sketch.shape == (h, w) and sketch.dtype == np.uint8
        assert set(np.unique(sketch)) <= {0, 255} and sketch.any(), rel
        preview = cv2.imread(str(out / 'previews' / rel), cv2.IMREAD_UNCHANGED)
        assert preview.shape == (40, 2 * round(w * 40 / h), 3), rel
    np.testing.assert_array_equal(
        cv2.imread(str(out / 'sketches' / 'a' / 'grey.png'), 0),
        sketch_draft(_line(32)))
    # the CT disc edge is found after the HU window
    ct = cv2.imread(str(out / 'sketches' / 'b' / 'c' / 'ct.png'), 0)
    assert ct[16, 4:10].any() and not ct[16, 12:20].any()


def test_prepare_sketches_fails_without_skip_bad(tmp_path, capsys):
    src = _make_src(tmp_path)
    tool = _load_tool()
    threads = cv2.getNumThreads()
    try:
        code = tool.main([str(src), str(tmp_path / 'out'), '--workers', '1'])
    finally:
        cv2.setNumThreads(threads)
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out.startswith('4 images, 1 failed, ')
    assert f'failed: {src / "a" / "bad.png"}: ValueError' in captured.err
    assert len(list((tmp_path / 'out' / 'sketches').rglob('*.png'))) == 3


def test_prepare_sketches_bad_src(tmp_path, capsys):
    tool = _load_tool()
    missing = tmp_path / 'missing'
    assert tool.main([str(missing), str(tmp_path / 'out')]) == 2
    assert str(missing) in capsys.readouterr().err
    empty = tmp_path / 'empty'
    empty.mkdir()
    (empty / 'readme.txt').write_text('no images')
    assert tool.main([str(empty), str(tmp_path / 'out')]) == 2
    assert 'no images' in capsys.readouterr().err


def test_prepare_sketches_output_names():
    tool = _load_tool()
    rels = [
        Path('yes/Y92.jpg'),
        Path('yes/Y92.png'),
        Path('yes/Y1.JPG'),
        Path('no/Y92.jpg')
    ]
    assert tool.output_names(rels) == {
        Path('yes/Y92.jpg'): Path('yes/Y92.jpg.png'),
        Path('yes/Y92.png'): Path('yes/Y92.png.png'),
        Path('yes/Y1.JPG'): Path('yes/Y1.png'),
        Path('no/Y92.jpg'): Path('no/Y92.png'),
    }


# real data ------------------------------------------------------------------
@pytest.mark.realdata
def test_drive_sketch_foreground_fraction(data_root):
    folder = Path(data_root) / 'DRIVE' / 'training' / 'images'
    paths = sorted(folder.glob('*.tif'))[:2]
    assert len(paths) == 2, f'expected DRIVE images in {folder}'
    for path in paths:
        img = cv2.resize(cv2.imread(str(path)), (512, 512),
                         interpolation=cv2.INTER_AREA)
        fraction = (sketch_draft(img) > 0).mean()
        assert 0.02 < fraction < 0.40, (path, fraction)
