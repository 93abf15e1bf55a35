"""Draw a seeded synthetic data set (and SkrGAN's sketches) from a
checkpoint.

    python tools/sample.py CONFIG CKPT --num 2000 --seed 0 --out synthetic/

Writes ``images/image_{seed:06d}.png`` for seeds ``seed .. seed+num-1``
(sample k uses noise, and a conditional model's label, drawn from seed+k
alone, so any sample can be re-made from the checkpoint and its seed); for
SkrGAN also ``sketches/sketch_{seed:06d}.png`` and their label masks
``masks/mask_{seed:06d}.png`` (255 where the sketch >= ``--mask-threshold``);
``manifest.csv`` (image, sketch, mask, seed, checkpoint, config) and
``grid.png`` (layout in :mod:`mmskr.apis.sample_set`). A killed run
continues where its manifest ends. ``images/`` is an image folder for
``MedicalImageDataset`` (e.g. ``--data-root synthetic/images`` of a folder
config); the folder loads as vessel pairs with ``VesselPairDataset``. Works
for every generative config of mmskr (SkrGAN and the baselines).
"""
import argparse
import os.path as osp
import sys

import torch
from mmengine.config import DictAction
from mmengine.utils import ProgressBar

from mmskr.apis import init_model
from mmskr.apis.sample_set import write_sample_set


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Sample a trained GAN')
    p.add_argument('config', help='config the checkpoint was trained with')
    p.add_argument('checkpoint', help='checkpoint file (.pth)')
    p.add_argument('--num', type=int, default=16, help='number of samples')
    p.add_argument('--seed', type=int, default=0, help='first seed')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--mask-threshold', type=int, default=128,
                   help='sketch value (0-255) from which a mask pixel is '
                   'vessel / structure (255)')
    p.add_argument('--sample-model', default=None, choices=['orig', 'ema'],
                   help="generator weights (default: the model's own: "
                   'EMA when it has one)')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.num <= 0:
        raise ValueError(f'--num must be positive, got {args.num}')
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    seeds = list(range(args.seed, args.seed + args.num))
    bar = {}

    def progress(done: int, total: int) -> None:
        if 'bar' not in bar:
            bar['bar'], bar['done'] = ProgressBar(total, file=sys.stderr), 0
        bar['bar'].update(done - bar['done'])
        bar['done'] = done

    write_sample_set(
        model, args.out, seeds, checkpoint=osp.abspath(args.checkpoint),
        config=osp.abspath(args.config), batch_size=args.batch_size,
        mask_threshold=args.mask_threshold, sample_model=args.sample_model,
        progress=progress)
    print(f'\n{args.num} samples (seeds {seeds[0]}..{seeds[-1]}) in '
          f'{args.out} (manifest.csv)', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
