"""Draw seeded synthetic images (and SkrGAN's sketches) from a checkpoint.

    python tools/sample.py CONFIG CKPT --num 16 --seed 0 --out samples/

Writes ``image_{seed:06d}.png`` (and ``sketch_{seed:06d}.png`` for SkrGAN)
for seeds ``seed .. seed+num-1`` (sample k uses noise drawn from seed+k
alone, so any sample can be re-made from the checkpoint and its seed) and
``grid.png`` with the (sketch | image) pairs, or the images. Works for every
generative config of mmskr (SkrGAN and the baselines).
"""
import argparse
import os
import os.path as osp
import sys

import numpy as np
import torch
from mmengine.config import DictAction

from mmskr.apis import generate_images, init_model
from mmskr.utils import save_png, tile


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Sample a trained GAN')
    p.add_argument('config', help='config the checkpoint was trained with')
    p.add_argument('checkpoint', help='checkpoint file (.pth)')
    p.add_argument('--num', type=int, default=16, help='number of samples')
    p.add_argument('--seed', type=int, default=0, help='first seed')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--sample-model', default=None, choices=['orig', 'ema'],
                   help="generator weights (default: the model's own: "
                   'EMA when it has one)')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def _hwc(batch: np.ndarray) -> list:
    """(N, C, H, W) uint8 -> list of HxWxC (HxW for one channel)."""
    return [x[0] if x.shape[0] == 1 else x.transpose(1, 2, 0) for x in batch]


def main(argv=None):
    args = parse_args(argv)
    if args.num <= 0:
        raise ValueError(f'--num must be positive, got {args.num}')
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    os.makedirs(args.out, exist_ok=True)
    seeds = list(range(args.seed, args.seed + args.num))
    out = generate_images(model, seeds, batch_size=args.batch_size,
                          sample_model=args.sample_model)
    images = _hwc(out['fake_img'])
    sketches = _hwc(out['fake_sketch']) if 'fake_sketch' in out else None
    for k, seed in enumerate(seeds):
        save_png(osp.join(args.out, f'image_{seed:06d}.png'), images[k])
        if sketches is not None:
            save_png(osp.join(args.out, f'sketch_{seed:06d}.png'),
                     sketches[k])
    cells = images if sketches is None else [
        np.concatenate([np.repeat(s[..., None], 3, -1), i], axis=1)
        for s, i in zip(sketches, images)
    ]
    save_png(osp.join(args.out, 'grid.png'), tile(cells))
    print(f'{args.num} samples (seeds {seeds[0]}..{seeds[-1]}) written to '
          f'{args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
