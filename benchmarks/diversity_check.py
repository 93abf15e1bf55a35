"""Would ``SampleDiversityHook`` have flagged these trained cells?

    python benchmarks/diversity_check.py WORK/cpu/skrgan_chestxray/seed0 \
        WORK/cpu/dcgan_chestxray/seed0 --grid grids.png

A cell folder is a Runner work dir (a Table 1 cell): its config ``*.py``
and its ``iter_*.pth`` checkpoints. For every checkpoint the script runs the
hook's own measurement (:class:`~mmskr.engine.hooks.SampleDiversityHook`,
16 samples of seeds 0-15, the model's default weights) and, once per cell,
the MS-SSIM diversity of ``--num-real`` training images (evenly spaced, the
config's train pipeline). It prints, per checkpoint, the samples' pixel
std and MS-SSIM and the share of the real diversity they keep,
``kept = (1 - ms_ssim) / (1 - real ms_ssim)``, flagged where ``kept`` is
below a ``--shares`` value f (the hook's ``min_diversity_vs_real``), and
appends one JSON line per cell to
``benchmarks/results/diversity_check/results.jsonl``. ``--grid`` writes the
16 samples of each cell's last checkpoint, one row per cell, to a PNG.

Use it to choose ``min_diversity_vs_real`` on cells whose samples you have
looked at: the share should flag the collapsed ones and pass the others.
"""
import argparse
import glob
import os.path as osp
import re
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

import mmskr  # noqa: E402,F401
from experiments.runner import machine, now  # noqa: E402
from experiments.table1.table import diversity_kept  # noqa: E402
from mmskr.apis import init_model, load_config  # noqa: E402
from mmskr.engine.hooks import SampleDiversityHook  # noqa: E402
from mmskr.utils import save_png, tile  # noqa: E402
from mmskr.utils.json_lines import append_json_line  # noqa: E402

RESULTS = osp.join(REPO, 'benchmarks', 'results', 'diversity_check',
                   'results.jsonl')


def cell_files(cell: str):
    """(config file, checkpoints in iteration order) of a Runner work dir.
    """
    configs = sorted(glob.glob(osp.join(cell, '*.py')))
    checkpoints = sorted(
        glob.glob(osp.join(cell, 'iter_*.pth')),
        key=lambda p: int(re.search(r'iter_(\d+)', p).group(1)))
    if len(configs) != 1 or not checkpoints:
        raise SystemExit(f'{cell}: expected one config *.py and iter_*.pth '
                         f'checkpoints, found {len(configs)} configs and '
                         f'{len(checkpoints)} checkpoints; pass a Runner '
                         'work dir such as WORK/cpu/skrgan_fundus/seed0')
    return configs[0], checkpoints


def check_cell(cell: str, data_root: str, num_real: int, shares) -> tuple:
    """The hook's measurements for every checkpoint of ``cell``, and the
    last checkpoint's samples, (16, C, H, W) uint8."""
    config, checkpoints = cell_files(cell)
    cfg = load_config(config, data_root)
    from mmagic.registry import DATASETS
    hook = SampleDiversityHook(num_samples=16, num_real=num_real)
    real = hook.measure_real(DATASETS.build(cfg.train_dataloader.dataset))
    rows = []
    for ckpt in checkpoints:
        samples = hook.draw(init_model(cfg, ckpt))
        stats = hook.score(samples)
        kept = diversity_kept(dict(stats, ms_ssim_real=real))
        rows.append(dict(checkpoint=osp.basename(ckpt), kept=kept,
                         flagged={str(f): kept < f for f in shares},
                         **stats))
    return dict(cell=osp.abspath(cell), config=osp.basename(config),
                real_ms_ssim=real, num_real=num_real,
                checkpoints=rows), samples


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('cells', nargs='+', help='Runner work dirs')
    parser.add_argument('--data-root', default=None,
                        help='data root replacing the configs\' own')
    parser.add_argument('--num-real', type=int, default=100)
    parser.add_argument('--shares', type=float, nargs='+',
                        default=[1 / 3])
    parser.add_argument('--out', default=RESULTS)
    parser.add_argument('--grid', help='PNG of the last samples per cell')
    args = parser.parse_args(argv)
    grid = []
    for cell in args.cells:
        row, samples = check_cell(cell, args.data_root, args.num_real,
                                  args.shares)
        grid.append(np.repeat(samples, 3 // samples.shape[1], 1))
        append_json_line(args.out, dict(row, time=now(), machine=machine()))
        print(f'{row["config"]} ({cell}): real ms_ssim '
              f'{row["real_ms_ssim"]:.3f} ({args.num_real} images)')
        for r in row['checkpoints']:
            flags = ' '.join(f'f={float(f):.2f}:{"FLAG" if x else "ok"}'
                             for f, x in r['flagged'].items())
            print(f'  {r["checkpoint"]}: pixel_std {r["pixel_std"]:.2f} '
                  f'ms_ssim {r["ms_ssim"]:.3f} kept {r["kept"]:.2f}  {flags}')
    if args.grid:
        save_png(args.grid, tile([
            x.transpose(1, 2, 0) for x in np.concatenate(grid)], cols=16))


if __name__ == '__main__':
    main()
