"""Round f check (stop 19): render G_S's sketches after matching their grey
histogram to the real drafts' (quantile mapping over all pixels), with the
checkpoint's (calibrated) statistics and re-calibrated on matched sketches.

    python hist_match.py CONFIG CHECKPOINT
"""
import sys

import numpy as np
import torch

sys.path.insert(0, '/work/main')
sys.path.insert(0, '/work/main/benchmarks')
import mmskr  # noqa: E402,F401
from mmskr.apis import generate_images, init_model, load_real_images  # noqa
from mmskr.evaluation.functional.swd import pggan_swd  # noqa: E402
from skrgan_diagnose import levels, render  # noqa: E402

cfg, ckpt = sys.argv[1], sys.argv[2]
model = init_model(cfg, ckpt)
real = load_real_images(cfg, split='train')
real_sketch = load_real_images(cfg, split='train', key='gt_sketch')
ref = np.sort(real_sketch.ravel())


def match(s):
    """Quantile-map the pixels of ``s`` (uint8) onto the drafts' values."""
    flat = s.ravel().astype(np.float64)
    ranks = flat.argsort(kind='stable').argsort(kind='stable')
    q = ranks / max(len(flat) - 1, 1)
    out = ref[np.round(q * (len(ref) - 1)).astype(int)]
    return out.reshape(s.shape).astype(np.uint8)


def lv(d):
    return '%.1f (%s)' % (d['avg'], levels(d))


fs = generate_images(model, list(range(100)))['fake_sketch']
print('background share (<= 5): drafts %.2f, G_S %.2f' %
      ((real_sketch <= 5).mean(), (fs <= 5).mean()))
print('as sampled      ', lv(pggan_swd(real, render(model, fs), seed=0)))
fm = match(fs)
print('matched         ', lv(pggan_swd(real, render(model, fm), seed=0)))
cal = match(generate_images(model, list(range(10000, 10400)))['fake_sketch'])
model.renderer.calibrate_norm(
    torch.from_numpy(cal[i:i + 16]).float() / 127.5 - 1.
    for i in range(0, len(cal), 16))
print('matched + recal ', lv(pggan_swd(real, render(model, fm), seed=0)))
