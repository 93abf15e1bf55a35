"""Does training help? SWD of a trained SkrGAN against its untrained start.

    python tools/train.py configs/skrgan/skrgan_cpu_lungct.py \
        --work-dir work_dirs/bench/skrgan_cpu_lungct
    python benchmarks/skrgan_training_gain.py \
        configs/skrgan/skrgan_cpu_lungct.py work_dirs/bench/skrgan_cpu_lungct

Protocol: the config's real images (its val pipeline: all images of the
set at the config's resolution); ``--num-fake`` images (default 100, as in
the paper) with seeds ``0..num_fake-1`` from (a) the model as initialised
with ``--init-seed`` (untrained) and (b) the newest complete checkpoint of
the work dir; SWD on the PGGAN protocol (x1e3, seed 0, docs/metrics.md) of
each set against the real images, and the same measure between two halves
of the real set as a floor. Appends one JSON line to
``benchmarks/results/skrgan_training_gain/results.jsonl`` and prints it.
"""
import argparse
import json
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401
from mmskr.apis import generate_images, init_model, load_real_images  # noqa
from experiments.runner import machine, now  # noqa: E402
from mmskr.engine.runner_utils import find_resumable_checkpoint  # noqa
from mmskr.evaluation.functional.swd import pggan_swd  # noqa: E402

RESULTS = osp.join(REPO, 'benchmarks', 'results',
                   'skrgan_training_gain', 'results.jsonl')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('work_dir', help='work dir of the trained run')
    p.add_argument('--num-fake', type=int, default=100)
    p.add_argument('--init-seed', type=int, default=2019,
                   help='torch seed of the untrained model (the configs '
                   'train with randomness.seed=2019)')
    p.add_argument('--data-root', help="replaces the config's data root")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    ckpt = find_resumable_checkpoint(args.work_dir)
    if ckpt is None:
        print(f'no complete checkpoint in {args.work_dir}: train first '
              f'(python tools/train.py {args.config} --work-dir '
              f'{args.work_dir})', file=sys.stderr)
        return 1
    t0 = time.time()
    real = load_real_images(args.config, data_root=args.data_root)
    seeds = list(range(args.num_fake))
    half = len(real) // 2
    result = dict(
        benchmark='skrgan_training_gain', time=now(), config=args.config,
        checkpoint=osp.relpath(ckpt, REPO),
        protocol=dict(num_fake=args.num_fake, seeds=f'0..{args.num_fake - 1}',
                      num_real=len(real), resolution=list(real.shape[1:]),
                      metric='PGGAN-protocol SWD x1e3, seed 0',
                      init_seed=args.init_seed))
    for name, path in (('untrained', None), ('trained', ckpt)):
        model = init_model(args.config, path, seed=args.init_seed)
        fake = generate_images(model, seeds)['fake_img']
        result[f'swd_{name}'] = pggan_swd(real, fake)
        print(f'{name}: SWD avg {result[f"swd_{name}"]["avg"]:.2f}',
              file=sys.stderr)
    result['swd_real_halves'] = pggan_swd(real[:half], real[half:])
    result['trained_lower'] = bool(
        result['swd_trained']['avg'] < result['swd_untrained']['avg'])
    result['ratio_untrained_over_trained'] = round(
        result['swd_untrained']['avg'] / result['swd_trained']['avg'], 3)
    result['wall_s'] = round(time.time() - t0, 1)
    result['machine'] = machine()
    with open(RESULTS, 'a') as f:
        f.write(json.dumps(result) + '\n')
    print(json.dumps(result, indent=1))
    return 0 if result['trained_lower'] else 3


if __name__ == '__main__':
    sys.exit(main())
