"""Choose Table 2's fine-tuning length on a validation split of the
training images (never on the test images).

    python benchmarks/vessel_seg_length.py --preset native_cpu \\
        --drive ../shared/data/DRIVE --lengths 1000 2000 4000 8000 \\
        --val 5 --seeds 0
    python benchmarks/vessel_seg_length.py --preset native_cpu \\
        --preset-options base_channels=32 --lengths 4000   # a variant

Fine-tunes the arm ``none`` on the training images outside a seeded
validation split, once per length (each with its own cosine schedule), and
scores each run on the split (SEN, SPE, ACC, AUC, F1 over the FOV pixels).
``--preset-options`` trains a variant of the preset (its rows record the
changed fields). Rows go to ``RESULTS/finetune_length.jsonl``; the table
of every candidate (preset options, length) in the file and the one with
the highest mean validation AUC are printed. Finished runs are reused. See
``experiments/table2/finetune_length.py``.
"""
import argparse
import os
import os.path as osp
import sys

from tabulate import tabulate

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401  (upstream workarounds before mmagic)
from experiments.runner import with_options  # noqa: E402
from experiments.table2.finetune_length import (  # noqa: E402
    choose_length, read_rows, run_lengths)
from experiments.table2.presets import PRESETS  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--preset', default='native_cpu', choices=sorted(PRESETS))
    p.add_argument(
        '--drive',
        default=osp.join(os.environ.get('MMSKR_DATA_ROOT', 'data'), 'DRIVE'),
        help='DRIVE, or a set in the generic layout (see vessel_seg.py)')
    p.add_argument('--lengths', type=int, nargs='+', required=True,
                   help='candidate fine-tuning iterations')
    p.add_argument('--val', type=int, default=5,
                   help='training images held out for validation')
    p.add_argument('--split-seed', type=int, default=0)
    p.add_argument('--preset-options', nargs='+', default=[],
                   metavar='KEY=VALUE',
                   help='train a variant of the preset, e.g. '
                   'base_channels=32 lr=5e-4 (values as Python literals)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--work-dir',
                   default=osp.join(REPO, 'work_dirs', 'vessel_seg'))
    p.add_argument('--results-dir', help='default: '
                   'benchmarks/results/table2_PRESET')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        preset = with_options(PRESETS[args.preset], args.preset_options)
    except ValueError as e:
        print(f'vessel_seg_length.py: {e}', file=sys.stderr)
        return 2
    if not osp.isdir(args.drive):
        print(f'vessel_seg_length.py: --drive {args.drive} is not a folder',
              file=sys.stderr)
        return 2
    results_dir = args.results_dir or osp.join(
        REPO, 'benchmarks', 'results', f'table2_{preset.name}')
    results_file = osp.join(results_dir, 'finetune_length.jsonl')
    import torch
    run_lengths(preset, args.drive, args.lengths, args.seeds, args.val,
                args.split_seed, args.work_dir, results_file,
                'cuda' if torch.cuda.is_available() else 'cpu')
    rows = [r for r in read_rows(results_file)
            if r['split']['seed'] == args.split_seed]
    chosen = choose_length(rows)
    keys = ('sen', 'spe', 'acc', 'auc', 'f1')
    print(tabulate(
        [[options, length, t['seeds']] + [f'{t[k]:.4f}' for k in keys] +
         [f'{t["train_wall_s"]:.0f}']
         for (options, length), t in chosen['table'].items()],
        ['preset options', 'iterations', 'seeds'] +
        [k.upper() for k in keys] + ['train_wall_s'],
        tablefmt='github', disable_numparse=True))
    print(f'\nvalidation images {rows[0]["split"]["val"]} (split seed '
          f'{args.split_seed}); highest mean validation AUC: '
          f'{chosen["length"]} iterations, preset options '
          f'{chosen["options"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
