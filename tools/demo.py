"""`make demo`: train a small SkrGAN on CPU on an embedded data set.

The data set is procedural (``mmskr.datasets.synthetic``: fundus-like images
with vessel trees), written to the work dir, so nothing is downloaded. The
run uses ``configs/skrgan/skrgan_cpu_fundus.py`` with a shorter schedule
(about 10 minutes on 2 cores), then writes a sample grid (sketch | image)
and prints one metrics line (SWD on the PGGAN protocol, MS-SSIM diversity
of fakes and reals, and mmagic's SWD), also appended as JSON
to ``{work_dir}/metrics.jsonl``.

    python tools/demo.py [--work-dir work_dirs/demo] [--iters 400]
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

import mmskr  # noqa: F401  (upstream workarounds before mmagic loads)
from mmengine.config import Config
from mmengine.runner import Runner

from mmskr.datasets.synthetic import write_synthetic_fundus_set

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs/skrgan/skrgan_cpu_fundus.py')


def demo_config(work_dir: str, data_dir: str, iters: int) -> Config:
    """The CPU fundus config pointed at the embedded set, with a short run."""
    cfg = Config.fromfile(CONFIG)
    cfg.work_dir = work_dir
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds = cfg[loader].dataset
        ds.data_root = data_dir
        ds.data_prefix = dict(gt='')
        cfg[loader].num_workers = 1
    kimg = iters * cfg.train_dataloader.batch_size / 1000.
    # spend the budget like the full schedule: 1/16, 1/8, 3/16, 1/4, 3/8
    shares = {'4': 1, '8': 2, '16': 3, '32': 4, '64': 6}
    cfg.model.sketch_gan.nkimgs_per_scale = {
        k: round(kimg * v / 16, 4)
        for k, v in shares.items()
    }
    cfg.model.sketch_gan.transition_kimgs = round(kimg / 16, 4)
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = iters
    cfg.default_hooks.checkpoint.interval = max(iters // 4, 1)
    cfg.default_hooks.logger.interval = 20
    cfg.custom_hooks = [
        dict(type='SkrGANSampleHook', interval=max(iters // 4, 1),
             num_samples=8)
    ]
    return cfg


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--work-dir', default=osp.join(REPO, 'work_dirs/demo'))
    p.add_argument('--iters', type=int, default=400)
    p.add_argument('--num-images', type=int, default=64)
    args = p.parse_args(argv)
    data_dir = osp.join(args.work_dir, 'data')
    write_synthetic_fundus_set(data_dir, num=args.num_images, size=64)
    cfg = demo_config(args.work_dir, data_dir, args.iters)
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    seconds = time.time() - start
    metrics = {
        k: float(v)
        for k, v in runner.message_hub.log_scalars.items()
        if k.startswith(('val/swd', 'val/ms'))
        for v in [v.current()]
    }
    grid = osp.join(args.work_dir, 'samples', f'iter_{args.iters:06d}.png')
    line = dict(
        model='SkrGAN',
        config=osp.relpath(CONFIG, REPO),
        data=f'procedural fundus, {args.num_images} images at 64x64',
        iters=args.iters,
        seconds=round(seconds, 1),
        sample_grid=grid,
        **metrics)
    with open(osp.join(args.work_dir, 'metrics.jsonl'), 'a') as f:
        f.write(json.dumps(line) + '\n')
    shown = ', '.join(f'{k[4:]}={v:.4g}' for k, v in sorted(metrics.items()))
    print(f'demo: {args.iters} iterations in {seconds:.0f} s; {shown}; '
          f'samples: {grid}')
    return 0 if osp.isfile(grid) else 1


if __name__ == '__main__':
    sys.exit(main())
