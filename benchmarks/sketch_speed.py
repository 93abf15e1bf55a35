"""Speed of the sketch draft (SkrGAN Sec. 2.1) against scikit-image.

Usage::

    python benchmarks/sketch_speed.py [--data-root DIR] [--repeats R]

Protocol: 512x512 uint8 greyscale images, one thread
(``cv2.setNumThreads(1)``; scikit-image/scipy filters are single-threaded),
the first 20 DRIVE training images (``DIR/DRIVE/training/images``, resized
with ``INTER_AREA``, converted with ``COLOR_BGR2GRAY``) when a data root is
given (``--data-root`` or ``$MMSKR_DATA_ROOT``), else 20 procedural images.
Each implementation is warmed up once over all images, then timed ``R``
times; the median of the per-repeat throughputs is reported.

Measured in the same run:

* ``sketch_draft``: the OpenCV function;
* ``SketchDraft``: the mmagic transform around it (dict in, dict out);
* ``skimage``: the same pipeline with scikit-image filters (Sobel, Gaussian,
  percentile threshold, binary opening then closing with rectangles).

Targets: >= 1000 images/s per core for the transform and >= 15x the
scikit-image version. The figures and the machine are appended as one JSON
line to ``benchmarks/results/sketch_speed/results.jsonl``.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List

import mmskr  # noqa: F401  (numpy-2 workarounds before mmagic)

import cv2
import numpy as np
import skimage
import skimage.filters
import skimage.morphology

from mmskr.datasets.transforms import SketchDraft, sketch_draft

SIZE = 512
NUM_IMAGES = 20
TARGET_IMG_S = 1000.0
TARGET_RATIO = 15.0
RESULTS = (Path(__file__).resolve().parent / 'results' / 'sketch_speed' /
           'results.jsonl')


def sketch_draft_skimage(img: np.ndarray,
                         gaussian_ksize: int = 5,
                         gaussian_sigma: float = 1.5,
                         threshold_value: float = 88.0,
                         open_size: int = 3,
                         close_size: int = 5) -> np.ndarray:
    """The :func:`sketch_draft` pipeline written with scikit-image filters.

    Args:
        img (np.ndarray): HxW uint8 image.

    Returns:
        np.ndarray: HxW uint8 sketch in {0, 255}.
    """
    mag = skimage.filters.sobel(img)  # (H, W) float64, sqrt((gx^2 + gy^2) / 2)
    radius = gaussian_ksize // 2  # same support as the OpenCV kernel
    mag = skimage.filters.gaussian(mag,
                                   sigma=gaussian_sigma,
                                   truncate=radius / gaussian_sigma,
                                   preserve_range=True)
    sketch = mag > np.percentile(mag, threshold_value)
    sketch = skimage.morphology.opening(
        sketch, skimage.morphology.footprint_rectangle((open_size, ) * 2))
    sketch = skimage.morphology.closing(
        sketch, skimage.morphology.footprint_rectangle((close_size, ) * 2))
    return sketch.astype(np.uint8) * 255


def load_images(data_root: str) -> List[np.ndarray]:
    """``NUM_IMAGES`` 512x512 uint8 grey images (DRIVE or procedural)."""
    if data_root:
        folder = Path(data_root) / 'DRIVE' / 'training' / 'images'
        paths = sorted(folder.glob('*.tif'))[:NUM_IMAGES]
        if not paths:
            raise FileNotFoundError(f'no DRIVE images (*.tif) in {folder}')
        images = []
        for path in paths:
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                raise FileNotFoundError(f'cannot read {path}')
            bgr = cv2.resize(bgr, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
            images.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
        return images
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:SIZE, :SIZE].astype(np.float32)
    images = []
    for _ in range(NUM_IMAGES):
        img = np.full((SIZE, SIZE), 120.0, np.float32)
        for _ in range(12):  # dark curved "vessels"
            a, b, c = rng.uniform(-1, 1, 3)
            width = rng.uniform(1.5, 5.0)
            dist = np.abs(yy - SIZE * (0.5 + 0.3 * a) - b * xx - c * 1e-3 *
                          (xx - SIZE / 2)**2)
            img -= 50.0 * np.exp(-(dist / width)**2)
        img += rng.normal(0, 4, img.shape)
        images.append(np.clip(img, 0, 255).astype(np.uint8))
    return images


def throughput(fn: Callable, images: List[np.ndarray], repeats: int,
               min_seconds: float) -> float:
    """Median images/s over ``repeats`` timed passes (after one warm-up).

    Each timed pass loops over ``images`` as often as needed to last at least
    ``min_seconds`` (decided from the warm-up).
    """
    start = time.perf_counter()
    for img in images:
        fn(img)
    warm = time.perf_counter() - start
    loops = max(1, int(np.ceil(min_seconds / max(warm, 1e-9))))
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            for img in images:
                fn(img)
        rates.append(loops * len(images) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root',
                        default=os.environ.get('MMSKR_DATA_ROOT', ''),
                        help='folder holding DRIVE/ (default: '
                        '$MMSKR_DATA_ROOT; procedural images if unset)')
    parser.add_argument('--repeats', type=int, default=7)
    args = parser.parse_args()

    cv2.setNumThreads(1)
    images = load_images(args.data_root)
    source = 'DRIVE training' if args.data_root else 'procedural'
    transform = SketchDraft()

    opencv = throughput(sketch_draft, images, args.repeats, 0.5)
    transform_rate = throughput(lambda img: transform(dict(gt=img)), images,
                                args.repeats, 0.5)
    ski = throughput(sketch_draft_skimage, images, max(3, args.repeats // 2),
                     0.0)
    ratio = transform_rate / ski
    agree = float(
        np.mean([(sketch_draft(x) == sketch_draft_skimage(x)).mean()
                 for x in images]))

    checks = {
        'img_s_per_core': transform_rate >= TARGET_IMG_S,
        'speedup_vs_skimage': ratio >= TARGET_RATIO,
    }
    print(f'sketch draft speed: {SIZE}x{SIZE} uint8 grey, 1 thread, '
          f'{len(images)} {source} images, warm-up + {args.repeats} repeats '
          f'(skimage {max(3, args.repeats // 2)}), median')
    print(f'  sketch_draft (OpenCV)  {opencv:9.1f} img/s')
    print(f'  SketchDraft transform  {transform_rate:9.1f} img/s')
    print(f'  scikit-image pipeline  {ski:9.1f} img/s')
    print(f'  speed-up (transform / skimage) {ratio:.1f}x; pixel agreement '
          f'with skimage {100 * agree:.1f}%')
    print(f'  target >= {TARGET_IMG_S:.0f} img/s per core: '
          f'{"PASS" if checks["img_s_per_core"] else "FAIL"}')
    print(f'  target >= {TARGET_RATIO:.0f}x scikit-image:   '
          f'{"PASS" if checks["speedup_vs_skimage"] else "FAIL"}')

    record = dict(benchmark='sketch_speed',
                  time=datetime.datetime.now(
                      datetime.timezone.utc).isoformat(),
                  protocol=dict(size=SIZE,
                                dtype='uint8',
                                channels=1,
                                threads=1,
                                images=len(images),
                                source=source,
                                repeats=args.repeats,
                                statistic='median'),
                  sketch_draft_img_s=round(opencv, 1),
                  transform_img_s=round(transform_rate, 1),
                  skimage_img_s=round(ski, 1),
                  speedup=round(ratio, 2),
                  agreement_with_skimage=round(agree, 4),
                  targets=dict(img_s_per_core=TARGET_IMG_S,
                               speedup_vs_skimage=TARGET_RATIO),
                  passed=checks,
                  machine=dict(platform=platform.platform(),
                               processor=platform.processor(),
                               cpu_count=os.cpu_count(),
                               python=sys.version.split()[0],
                               opencv=cv2.__version__,
                               numpy=np.__version__,
                               skimage=skimage.__version__))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS, 'a') as f:
        f.write(json.dumps(record) + '\n')
    print(f'  appended to {RESULTS}')
    return 0 if all(checks.values()) else 1


if __name__ == '__main__':
    sys.exit(main())
