"""Table 1 of the SkrGAN paper: every method on every modality, one budget.

    python benchmarks/compare.py --preset smoke --data-root ../shared/data
    python benchmarks/compare.py --preset cpu --only skrgan/lungct,dcgan
    python benchmarks/compare.py --preset cpu --leaderboard
    python benchmarks/compare.py --preset cpu --grid WORK_A WORK_B
    python benchmarks/compare.py --preset cpu --images DIR --name knee

For each cell (method x modality) it trains the method's config of the
preset (``tools/train.py --resume`` in a subprocess: finished cells are
reused, interrupted ones continue), draws ``num_fake`` images with seeds
``0..num_fake-1``, measures them against the modality's real images with one
protocol (SWD on the PGGAN protocol, MS-SSIM diversity with the real-pairs
reference, FID/KID through clean-fid when Inception weights are available)
and prints Table 1: rows modality x metric, columns SkrGAN, DCGAN, ACGAN,
WGAN, WGAN-GP, PGGAN, best value per row marked, the paper's values beside
ours labelled ``reported``. Progress goes to stderr; the table to stdout and
to ``RESULTS/table.{md,csv}``; rows to ``RESULTS/results.jsonl``; a
modality x method grid of samples to ``RESULTS/samples.png``.

``--images DIR --name NAME`` runs the same protocol on a folder of your own
images (one table row ``NAME``, the folder configs
``configs/*/*_folder_{64,512}px.py``; no paper values).
"""
import argparse
import dataclasses
import os
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401  (upstream workarounds before mmagic)
from mmengine.config import DictAction  # noqa: E402
from experiments.table1 import harness  # noqa: E402
from experiments.table1.presets import (  # noqa: E402
    PRESETS, check_folder_name, parse_methods, parse_seeds)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Train and evaluate every method on every modality and '
        "print the paper's Table 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='presets:\n' + '\n'.join(
            f'  {name:6s} {p.description}' for name, p in PRESETS.items()))
    p.add_argument('--preset', default='smoke', choices=sorted(PRESETS))
    p.add_argument(
        '--data-root',
        default=os.environ.get('MMSKR_DATA_ROOT', 'data'),
        help='folder with the four modality sets (default: $MMSKR_DATA_ROOT '
        'or ./data)')
    p.add_argument(
        '--images',
        metavar='DIR',
        help='a folder of your own images instead of the four modalities: '
        'every method on it with the folder configs '
        '(configs/*/*_folder_{64,512}px.py; class sub-folders for ACGAN); '
        'needs --name')
    p.add_argument(
        '--name',
        help='with --images: the data set\'s name (table row, work dirs; '
        'default results dir work_dirs/table1_NAME_PRESET)')
    p.add_argument(
        '--only',
        action='append',
        metavar='METHOD/MODALITY',
        help='cells to run: skrgan/lungct, dcgan (all modalities), '
        '*/fundus; repeat or comma-separate (default: all 24); with '
        '--images: methods, e.g. skrgan,dcgan')
    p.add_argument(
        '--work-dir',
        default=osp.join(REPO, 'work_dirs', 'compare'),
        help='training runs go to WORK_DIR/PRESET/METHOD_MODALITY/seedS')
    p.add_argument(
        '--results-dir',
        help='results.jsonl, table.md/csv and samples.png (default: '
        'benchmarks/results/table1_PRESET)')
    p.add_argument(
        '--inception-weights',
        help='Inception file for FID/KID (see docs/metrics.md); without it '
        'FID/KID show n/a')
    p.add_argument(
        '--leaderboard',
        action='store_true',
        help='print the table from existing results; train nothing')
    p.add_argument(
        '--grid',
        nargs='+',
        metavar='WORK_DIR',
        help='draw RESULTS/samples.png anew from the samples in these '
        '--work-dir folders (a cell from the first that has it; the first '
        'training seed\'s, else the lowest seed found, captioned; no tile '
        'of the old grid is kept); train nothing')
    p.add_argument(
        '--num-fake',
        type=int,
        help="generated images per cell (default: the preset's)")
    p.add_argument('--seeds', type=int, nargs='+',
                   help="training seeds (default: the preset's)")
    p.add_argument('--device', default='cpu', help='device for sampling')
    p.add_argument(
        '--skip-landed',
        action='store_true',
        help='skip cells and seeds that already have a row of this protocol '
        '(and these --cfg-options) in RESULTS/results.jsonl, even without '
        'their work dir: continue a table on a fresh clone')
    p.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        metavar='KEY=VALUE',
        help='config values for every cell, in training, evaluation and the '
        'real images alike, recorded in each row: e.g. data_channels=1, '
        'diff_augment=color,translation,cutout, or a fixed window '
        'train_dataloader.dataset.window=[-1000,400] '
        'val_dataloader.dataset.window=[-1000,400]')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    preset = PRESETS[args.preset]
    if args.num_fake is not None:
        preset = harness.with_num_fake(preset, args.num_fake)
    if args.cfg_options:
        preset = dataclasses.replace(preset, overrides=dict(args.cfg_options))
    try:
        if args.images is not None or args.name is not None:
            if args.images is None or args.name is None:
                raise ValueError('--images DIR and --name NAME go together')
            name = check_folder_name(args.name)
            cells = [(m, name) for m in parse_methods(args.only)]
            data_root = args.images
            results_dir = args.results_dir or osp.join(
                REPO, 'work_dirs', f'table1_{name}_{preset.name}')
        else:
            cells = harness.parse_only(args.only)
            data_root = args.data_root
            results_dir = args.results_dir or osp.join(
                REPO, 'benchmarks', 'results', f'table1_{preset.name}')
        seeds = parse_seeds(args.seeds, preset)
    except ValueError as e:
        print(f'compare.py: {e}', file=sys.stderr)
        return 2
    if args.leaderboard:
        return harness.leaderboard(results_dir)
    if args.grid:
        return harness.rebuild_grid(results_dir, args.grid, preset)
    if not osp.isdir(data_root):
        what = ('--images: pass the folder of your images' if args.images
                else '--data-root: pass the folder holding DRIVE/, '
                'LUNG_CT_KMADER/, ... or set MMSKR_DATA_ROOT')
        print(f'compare.py: {data_root} is not a folder; {what}',
              file=sys.stderr)
        return 2
    start = time.time()
    failed = harness.run(
        REPO,
        preset,
        cells=cells,
        data_root=osp.abspath(data_root),
        work_root=args.work_dir,
        results_dir=results_dir,
        inception_weights=args.inception_weights,
        device=args.device,
        seeds=seeds,
        skip_landed=args.skip_landed)
    print(f'[compare] done in {(time.time() - start) / 60:.1f} min; results '
          f'in {results_dir}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
