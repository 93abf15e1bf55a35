"""Write the SkrGAN sketch drafts (paper Sec. 2.1) of a folder of images.

Usage::

    python tools/prepare_sketches.py SRC OUT [--size N] [--workers K]
        [--preview-size P] [--channel green|gray] [--window LO HI]
        [--gaussian-ksize K] [--gaussian-sigma S] [--threshold METHOD]
        [--threshold-value V] [--open-size O] [--close-size C]
        [--se-shape SHAPE] [--ref-size R] [--skip-bad]

Walks SRC recursively for .tif/.tiff/.png/.jpg/.jpeg/.bmp/.gif files (any
case) and writes, for ``SRC/a/b.jpg``:

* ``OUT/sketches/a/b.png``: the sketch, HxW uint8 in {0, 255};
* ``OUT/previews/a/b.png``: image | sketch side by side, ``P`` pixels high.

Two sources with the same stem in one folder (``Y92.jpg`` and ``Y92.png``)
both keep their suffix instead (``Y92.jpg.png``, ``Y92.png.png``).

Images are read with ``cv2.IMREAD_UNCHANGED`` (PIL when OpenCV cannot
decode, e.g. some GIF/palette files); an alpha channel is dropped. 16-bit
images (int16/uint16) with values outside 0..255, such as CT in Hounsfield
units, are windowed to ``--window LO HI`` (default -1000 400, the lung CT
window; give e.g. ``--window 0 4095`` for 12-bit MRI) and scaled to uint8.
``--size N`` resizes every image to NxN (aspect not kept) before sketching.
The sketch parameters are those of
:func:`mmskr.datasets.transforms.sketch_draft` (``--ref-size 0``: no
scaling with the image size).

Progress goes to stderr, one summary line to stdout. Unreadable files are
reported (path and reason) and counted; the exit status is 1 if any failed
unless ``--skip-bad`` is given, 2 for a missing or empty SRC or invalid
sketch parameters.
"""
import argparse
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import mmskr  # noqa: F401  (numpy-2 workarounds before mmagic)

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from mmskr.datasets.transforms.sketch_draft import (CHANNELS, SE_SHAPES,
                                                    THRESHOLDS, SketchDraft,
                                                    sketch_draft)
from mmskr.utils import array_to_uint8

IMAGE_SUFFIXES = ('.tif', '.tiff', '.png', '.jpg', '.jpeg', '.bmp', '.gif')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write SkrGAN sketch drafts and previews of a folder.')
    parser.add_argument('src', help='folder of images, searched recursively')
    parser.add_argument('out', help='output folder (sketches/, previews/)')
    parser.add_argument('--size',
                        type=int,
                        default=None,
                        help='resize images to SIZE x SIZE before sketching')
    parser.add_argument('--workers',
                        type=int,
                        default=os.cpu_count(),
                        help='worker processes (default: cpu count)')
    parser.add_argument('--preview-size',
                        type=int,
                        default=384,
                        help='preview height in pixels (default: 384)')
    parser.add_argument('--channel',
                        choices=CHANNELS,
                        default='green',
                        help='plane of colour images to sketch')
    parser.add_argument('--window',
                        type=float,
                        nargs=2,
                        default=(-1000, 400),
                        metavar=('LO', 'HI'),
                        help='window for 16-bit images outside 0..255 '
                        '(default: -1000 400 HU, lung CT)')
    parser.add_argument('--gaussian-ksize', type=int, default=5)
    parser.add_argument('--gaussian-sigma', type=float, default=1.5)
    parser.add_argument('--threshold',
                        choices=THRESHOLDS,
                        default='percentile')
    parser.add_argument('--threshold-value', type=float, default=88.0)
    parser.add_argument('--open-size', type=int, default=3)
    parser.add_argument('--close-size', type=int, default=5)
    parser.add_argument('--se-shape', choices=tuple(SE_SHAPES), default='rect')
    parser.add_argument('--ref-size',
                        type=int,
                        default=512,
                        help='short side the sizes are given at; 0 turns '
                        'scaling off (default: 512)')
    parser.add_argument('--skip-bad',
                        action='store_true',
                        help='exit 0 even if some files cannot be read')
    args = parser.parse_args(argv)
    if args.workers is None or args.workers < 1:
        parser.error(f'--workers must be >= 1, found {args.workers}')
    if args.size is not None and args.size < 1:
        parser.error(f'--size must be >= 1, found {args.size}')
    if args.preview_size < 1:
        parser.error(f'--preview-size must be >= 1, found {args.preview_size}')
    if not args.window[0] < args.window[1]:
        parser.error(f'--window needs LO < HI, found {args.window}')
    return args


def find_images(src: Path) -> List[Path]:
    """Image files under ``src`` (relative paths, sorted)."""
    return sorted(
        p.relative_to(src) for p in src.rglob('*')
        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def output_names(rels: List[Path]) -> Dict[Path, Path]:
    """Map each source path to its ``.png`` output path (see module doc)."""
    groups: Dict[Path, List[Path]] = defaultdict(list)
    for rel in rels:
        groups[rel.with_suffix('.png')].append(rel)
    names = {}
    for name, members in groups.items():
        for rel in members:
            names[rel] = name if len(members) == 1 else \
                rel.with_name(rel.name + '.png')
    return names


def read_image(path: Path) -> np.ndarray:
    """Read an image as HxW or HxWx3 (BGR), any dtype the file holds.

    Raises:
        ValueError: If neither OpenCV nor PIL can decode the file.
    """
    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        try:
            with Image.open(path) as pil:
                if pil.mode in ('1', 'LA'):
                    pil = pil.convert('L')
                elif pil.mode in ('P', 'PA', 'RGBA', 'CMYK', 'YCbCr'):
                    pil = pil.convert('RGB')
                img = np.asarray(pil)
        except Exception as exc:  # PIL raises many types on bad files
            raise ValueError(f'cannot decode image ({exc})') from exc
        if img.ndim == 3:
            img = np.ascontiguousarray(img[:, :, ::-1])  # RGB -> BGR
    if img.ndim == 3 and img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    elif img.ndim == 3 and img.shape[2] == 2:
        img = np.ascontiguousarray(img[:, :, 0])  # grey + alpha
    return img


def window_to_uint8(img: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map integer images to uint8: window [lo, hi] if outside 0..255.

    uint8 and float images are returned as they are; other integer images
    (int16/uint16 CT in HU, ...) are cast when all values lie in 0..255,
    else windowed: ``lo`` -> 0, ``hi`` -> 255, clipped.
    """
    if img.dtype == np.uint8 or not np.issubdtype(img.dtype, np.integer):
        return img
    if img.min() >= 0 and img.max() <= 255:
        return img.astype(np.uint8)
    scaled = (img.astype(np.float32) - lo) * (255.0 / (hi - lo))
    return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)


def as_bgr(img: np.ndarray) -> np.ndarray:
    """HxWx3 uint8 view of an image or sketch for previews."""
    img = array_to_uint8(img)
    if img.ndim == 3 and img.shape[2] == 3:
        return img
    return cv2.cvtColor(img.reshape(img.shape[:2]), cv2.COLOR_GRAY2BGR)


def process(task: Tuple[Path, Path, Path, dict]) -> Tuple[str, str]:
    """Sketch one image; return ``(path, '')`` or ``(path, reason)``."""
    path, sketch_path, preview_path, opts = task
    try:
        img = read_image(path)
        img = window_to_uint8(img, *opts['window'])
        if opts['size'] is not None:
            size = opts['size']
            shrink = size < min(img.shape[:2])
            img = cv2.resize(
                img, (size, size),
                interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
        sketch = sketch_draft(img, channel_order='bgr', **opts['sketch'])
        height = opts['preview_size']
        width = max(1, round(img.shape[1] * height / img.shape[0]))
        panels = [
            cv2.resize(as_bgr(x), (width, height), interpolation=interp)
            for x, interp in ((img, cv2.INTER_AREA), (sketch,
                                                      cv2.INTER_NEAREST))
        ]
        for out_path, data in ((sketch_path, sketch), (preview_path,
                                                       np.hstack(panels))):
            out_path.parent.mkdir(parents=True, exist_ok=True)
            if not cv2.imwrite(str(out_path), data):
                raise OSError(f'cannot write {out_path}')
    except Exception as exc:  # report any bad file, keep going
        return str(path), f'{type(exc).__name__}: {exc}'
    return str(path), ''


def _init_worker() -> None:
    cv2.setNumThreads(1)
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    src, out = Path(args.src), Path(args.out)
    if not src.is_dir():
        print(f'error: SRC {src} does not exist or is not a folder',
              file=sys.stderr)
        return 2
    rels = find_images(src)
    if not rels:
        print(f'error: no images ({", ".join(IMAGE_SUFFIXES)}) under {src}',
              file=sys.stderr)
        return 2
    opts = dict(window=tuple(args.window),
                size=args.size,
                preview_size=args.preview_size,
                sketch=dict(gaussian_ksize=args.gaussian_ksize,
                            gaussian_sigma=args.gaussian_sigma,
                            threshold=args.threshold,
                            threshold_value=args.threshold_value,
                            open_size=args.open_size,
                            close_size=args.close_size,
                            se_shape=args.se_shape,
                            channel=args.channel,
                            ref_size=args.ref_size or None))
    try:  # check the sketch parameters (no OpenCV call: see below)
        SketchDraft(**opts['sketch'])
    except ValueError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    names = output_names(rels)
    tasks = [(src / rel, out / 'sketches' / names[rel],
              out / 'previews' / names[rel], opts) for rel in rels]

    start = time.perf_counter()
    failed = []
    workers = min(args.workers, len(tasks))
    with tqdm(total=len(tasks), unit='img', file=sys.stderr) as bar:
        if workers == 1:
            _init_worker()
            results = map(process, tasks)
            pool = None
        else:
            # fork() is cheap here (mmskr is imported) but OpenCV's thread
            # pool does not survive it: the workers are forked before this
            # process makes any OpenCV call.
            pool = multiprocessing.get_context('fork').Pool(
                workers, initializer=_init_worker)
            results = pool.imap_unordered(process, tasks, chunksize=4)
        for path, reason in results:
            if reason:
                failed.append(path)
                bar.write(f'failed: {path}: {reason}', file=sys.stderr)
            bar.update()
        if pool is not None:
            pool.close()
            pool.join()
    seconds = time.perf_counter() - start
    print(f'{len(tasks)} images, {len(failed)} failed, {seconds:.1f} s, '
          f'output {out}')
    return 1 if failed and not args.skip_bad else 0


if __name__ == '__main__':
    sys.exit(main())
