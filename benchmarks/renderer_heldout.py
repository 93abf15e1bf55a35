"""Does SkrGAN's renderer generalise? G_P trained on half the images,
scored on the drafts of both halves (experiments/renderer_heldout.py).

    python benchmarks/renderer_heldout.py configs/skrgan/skrgan_cpu_fundus.py \
        --data-root ../shared/data --arms none augment --seeds 0 1 2

Per arm (``pair_augment`` of the renderer: ``none``, or ``augment``, the
policy of ``experiments.renderer_heldout.ARMS``) and training seed: train
G_P/D_P on the seeded half A of the training set (``--iters``, resumable
work dir per arm and seed), render the drafts of A and of the held-out half
B, and score each against its own half's images (SWD x1e3, PGGAN protocol;
FRD), beside the real floor (A's images against B's). Appends one JSON line
per arm and seed to ``benchmarks/results/ablation_cpu/renderer_heldout.jsonl``.
"""
import argparse
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401
from experiments.renderer_heldout import (ARMS, real_pairs,  # noqa: E402
                                          renderer_config, score_renderer,
                                          split_halves, train_renderer)
from experiments.runner import machine, now  # noqa: E402
from mmskr.utils.json_lines import append_json_line  # noqa: E402

RESULTS = osp.join(REPO, 'benchmarks', 'results', 'ablation_cpu',
                   'renderer_heldout.jsonl')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', help='a SkrGAN config (its renderer, data and '
                   'pipeline)')
    p.add_argument('--data-root', required=True)
    p.add_argument('--arms', nargs='+', default=list(ARMS),
                   choices=list(ARMS))
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--split-seed', type=int, default=0,
                   help='seed of the A/B split (the same for every arm)')
    p.add_argument('--iters', type=int, default=2000)
    p.add_argument('--work-dir',
                   default=osp.join(REPO, 'work_dirs', 'renderer_heldout'))
    p.add_argument('--results', default=RESULTS)
    p.add_argument('--no-frd', action='store_true', help='SWD only')
    p.add_argument('--cfg-options', nargs='+', default=[],
                   metavar='KEY=VALUE', help='more training overrides')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    pairs = real_pairs(args.config, args.data_root)  # once for every run
    halves = split_halves(len(pairs['images']), args.split_seed)
    name = osp.splitext(osp.basename(args.config))[0]
    for arm in args.arms:
        for seed in args.seeds:
            work = osp.join(args.work_dir, name, arm, f'seed{seed}')
            cfg = renderer_config(args.config, halves['train'],
                                  args.data_root, ARMS[arm])
            t0 = time.time()
            ckpt = train_renderer(cfg, work, args.data_root, seed,
                                  args.iters, args.cfg_options)
            scores = score_renderer(ckpt, work, pairs, halves,
                                    frd=not args.no_frd)
            row = dict(config=args.config, arm=arm,
                       pair_augment=ARMS[arm], seed=seed,
                       split_seed=args.split_seed, iters=args.iters,
                       images=dict(train=len(halves['train']),
                                   heldout=len(halves['heldout'])),
                       cfg_options=args.cfg_options, **scores,
                       wall_s=round(time.time() - t0, 1), time=now(),
                       machine=machine('cpu'))
            append_json_line(args.results, row)
            print(f'[heldout] {name} {arm} seed {seed}: SWD train '
                  f'{scores["train"]["swd"]["avg"]:.1f}, held-out '
                  f'{scores["heldout"]["swd"]["avg"]:.1f}, real floor '
                  f'{scores["real_floor"]["swd"]["avg"]:.1f}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
