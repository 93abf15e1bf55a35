"""Table 2 of the SkrGAN paper: synthetic pairs as pretraining for a U-Net.

    python benchmarks/vessel_seg.py --drive ../shared/data/DRIVE \\
        --skrgan work_dirs/bench/skrgan_cpu_fundus/iter_2000.pth
    python benchmarks/vessel_seg.py --preset gpu --drive DRIVE --skrgan CKPT \\
        --other-gan PGGAN_CKPT --synthetic 2000 --seeds 0 1 2 3 4
    python benchmarks/vessel_seg.py --leaderboard

Draws ``--synthetic`` (image, sketch) pairs from a trained SkrGAN fundus
checkpoint, pretrains a U-Net on them with the sketches as vessel labels,
fine-tunes it on the 20 DRIVE training images (first manual annotation),
tests on the 20 DRIVE test images and prints SEN, ACC and AUC (inside the
FOV masks, mean +- std over seeds) with and without pretraining, beside the
paper's values. ``--other-gan`` adds an arm pretrained on another GAN's
images labelled with their sketch drafts. Finished (arm, seed) runs are
reused. Progress goes to stderr; the table to stdout and to
``RESULTS/table.md``; rows to ``RESULTS/results.jsonl``; examples of the
pairs to ``RESULTS/pairs.png``. See docs/vessel_seg.md.
"""
import argparse
import os
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401  (upstream workarounds before mmagic)
from experiments.table2 import harness  # noqa: E402
from experiments.table2.presets import ARMS, PRESETS  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Vessel segmentation with and without SkrGAN "
        "pretraining: the paper's Table 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='presets:\n' + '\n'.join(
            f'  {name:6s} {p.description}' for name, p in PRESETS.items()))
    p.add_argument('--preset', default='cpu', choices=sorted(PRESETS))
    p.add_argument(
        '--drive',
        default=osp.join(os.environ.get('MMSKR_DATA_ROOT', 'data'), 'DRIVE'),
        help='the DRIVE folder (training/, test/; default: '
        '$MMSKR_DATA_ROOT/DRIVE or ./data/DRIVE); the native_* presets also '
        'read any set as ROOT/{training,test}/{images,labels[,masks]}/ '
        '(files matched by stem, FOV estimated without masks/)')
    for flag, arm, what, default in (
            ('--skrgan', 'skrgan', 'SkrGAN fundus checkpoint',
             'configs/skrgan/skrgan_cpu_fundus.py for cpu'),
            ('--other-gan', 'other', 'checkpoint of another GAN (its images '
             'with sketch-draft labels)',
             'configs/pggan/pggan_cpu_fundus.py for cpu')):
        p.add_argument(flag, metavar='CKPT', help=f'{what} (arm "{arm}")')
        p.add_argument(f'--{flag[2:].split("-")[0]}-config',
                       help=f"its config (default: the preset's, e.g. "
                       f'{default})')
    p.add_argument(
        '--test-root', metavar='DIR',
        help="test on this set's test split instead of --drive's "
        '(cross-data-set evaluation; DRIVE or the generic layout)')
    p.add_argument('--synthetic', type=int, metavar='N',
                   help="synthetic pairs per pretraining arm (default: the "
                   "preset's, 2000 as in the paper)")
    p.add_argument('--seeds', type=int, nargs='+',
                   help="training seeds (default: the preset's)")
    p.add_argument(
        '--arms', nargs='+', choices=ARMS,
        help='arms to run (default: none and skrgan, plus other with '
        '--other-gan; native presets: plain, none and real)')
    p.add_argument(
        '--work-dir',
        default=osp.join(REPO, 'work_dirs', 'vessel_seg'),
        help='runs go to WORK_DIR/PRESET/ARM/seedS')
    p.add_argument(
        '--results-dir',
        help='results.jsonl, table.md and pairs.png (default: '
        'benchmarks/results/table2_PRESET)')
    p.add_argument('--leaderboard', action='store_true',
                   help='print the table from existing results; train '
                   'nothing')
    return p.parse_args(argv)


def _sources(args, preset, arms):
    """PairSource per pretraining arm; raises SystemExit on a bad flag."""
    sources = {}
    for arm, ckpt, cfg, default_cfg, label in (
            ('skrgan', args.skrgan, args.skrgan_config,
             preset.skrgan_config, 'model'),
            ('other', args.other_gan, args.other_config,
             preset.other_config, 'sketch_draft')):
        if arm not in arms:
            continue
        if not ckpt:
            flag = '--skrgan' if arm == 'skrgan' else '--other-gan'
            raise SystemExit(f'vessel_seg.py: arm {arm} needs {flag} CKPT')
        try:
            sources[arm] = harness.PairSource(
                arm, cfg or osp.join(REPO, default_cfg), ckpt, label)
        except FileNotFoundError as e:
            raise SystemExit(f'vessel_seg.py: {e}')
    return sources


def main(argv=None) -> int:
    args = parse_args(argv)
    preset = PRESETS[args.preset]
    results_dir = args.results_dir or osp.join(
        REPO, 'benchmarks', 'results', f'table2_{preset.name}')
    if args.leaderboard:
        return harness.leaderboard(results_dir)
    for flag, folder in (('--drive', args.drive),
                         ('--test-root', args.test_root)):
        if folder is not None and not osp.isdir(folder):
            print(f'vessel_seg.py: {flag} {folder} is not a folder; pass '
                  'DRIVE (training/, test/) or a set in the generic layout',
                  file=sys.stderr)
            return 2
    arms = args.arms or (['plain', 'none', 'real'] if preset.native else
                         ['none', 'skrgan'] +
                         (['other'] if args.other_gan else []))
    sources = _sources(args, preset, arms)
    num = args.synthetic if args.synthetic is not None else \
        preset.num_synthetic
    if num < 1:
        raise SystemExit(f'vessel_seg.py: --synthetic must be >= 1, got '
                         f'{num}')
    import torch
    start = time.time()
    failed = harness.run(
        preset,
        drive=args.drive,
        arms=[a for a in ARMS if a in arms],
        seeds=args.seeds if args.seeds is not None else preset.seeds,
        work_root=args.work_dir,
        results_dir=results_dir,
        sources=sources,
        num_synthetic=num,
        device='cuda' if torch.cuda.is_available() else 'cpu',
        test_root=args.test_root)
    print(f'[vessel_seg] done in {(time.time() - start) / 60:.1f} min; '
          f'results in {results_dir}', file=sys.stderr)
    for msg in failed:
        print(f'FAILED {msg}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
