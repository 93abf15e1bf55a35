"""Draw synthetic images and their sketches from a trained SkrGAN.

    python tools/sample.py CONFIG CKPT --num 16 --seed 0 --out samples/

Writes ``image_{seed:06d}.png`` and ``sketch_{seed:06d}.png`` for seeds
``seed .. seed+num-1`` (sample k uses noise drawn from seed+k alone, so any
sample can be re-made from the checkpoint and its seed) and ``grid.png``
with the (sketch | image) pairs.
"""
import argparse
import os
import os.path as osp
import sys

import mmskr  # noqa: F401  (upstream workarounds before mmagic loads)
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmskr.utils import pair_grid, save_png, to_uint8_images


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Sample a trained SkrGAN')
    p.add_argument('config', help='config the checkpoint was trained with')
    p.add_argument('checkpoint', help='checkpoint file (.pth)')
    p.add_argument('--num', type=int, default=16, help='number of samples')
    p.add_argument('--seed', type=int, default=0, help='first seed')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--sample-model', default='orig', choices=['orig', 'ema'])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def seeded_noise(seeds, noise_size: int) -> torch.Tensor:
    """One noise vector per seed, (len(seeds), noise_size)."""
    return torch.stack([
        torch.randn(noise_size, generator=torch.Generator().manual_seed(s))
        for s in seeds
    ])


def main(argv=None):
    args = parse_args(argv)
    if args.num <= 0:
        raise ValueError(f'--num must be positive, got {args.num}')
    for path in (args.config, args.checkpoint):
        if not osp.isfile(path):
            raise FileNotFoundError(f'no such file: {path}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    DefaultScope.get_instance('mmskr-sample', scope_name=cfg.get(
        'default_scope', 'mmagic'))
    from mmagic.registry import MODELS
    model = MODELS.build(cfg.model)
    if not hasattr(model, 'sample'):
        raise TypeError(f'{type(model).__name__} has no sample(); '
                        'tools/sample.py samples SkrGAN models')
    load_checkpoint(model, args.checkpoint, map_location='cpu', strict=True)
    model.to(args.device).eval()
    os.makedirs(args.out, exist_ok=True)
    seeds = list(range(args.seed, args.seed + args.num))
    sketches, images = [], []
    for i in range(0, len(seeds), args.batch_size):
        chunk = seeds[i:i + args.batch_size]
        noise = seeded_noise(chunk, model.sketch_gan.noise_size)
        out = model.sample(noise.to(args.device),
                           sample_model=args.sample_model)
        for seed, sk, im in zip(chunk, to_uint8_images(out['sketch']),
                                to_uint8_images(out['image'])):
            save_png(osp.join(args.out, f'sketch_{seed:06d}.png'), sk[..., 0])
            save_png(osp.join(args.out, f'image_{seed:06d}.png'), im)
        sketches.append(out['sketch'].cpu())
        images.append(out['image'].cpu())
    save_png(osp.join(args.out, 'grid.png'),
             pair_grid(torch.cat(sketches), torch.cat(images)))
    print(f'{args.num} samples (seeds {seeds[0]}..{seeds[-1]}) written to '
          f'{args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
