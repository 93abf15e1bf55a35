"""Which half of a trained SkrGAN limits it: the sketches or the rendering?

    python benchmarks/skrgan_diagnose.py configs/skrgan/skrgan_cpu_lungct.py \
        work_dirs/compare/cpu/skrgan_lungct

SkrGAN's images are G_P(G_S(z)). This script scores the two halves
separately, with Table 1's measures (PGGAN-protocol SWD x1e3 and MS-SSIM
diversity, seed 0, docs/metrics.md):

- ``samples``: ``--num-fake`` images from seeds ``0..N-1`` (noise -> sketch
  -> image), SWD against the real images, MS-SSIM among them, and the same
  two measures for their sketches against the real sketches (the config's
  ``SketchDraft`` of every real image). Once per ``G_S`` weight set the
  checkpoint has (``orig``, and ``ema`` when the config tracks an EMA).
- ``rendered_real_sketches``: G_P applied to the real sketches, SWD against
  the real images. G_P has seen these sketches in training, so this is an
  optimistic bound on what the renderer gives perfect sketches; if it is far
  below the samples' SWD, the sketch module is what limits the images.
- ``samples_calibrated``: the samples of the default G_S weights again
  after ``SkrGAN.calibrate_renderer`` (G_P's batch-norm statistics fitted to
  G_S's sketches, what ``RendererCalibrationHook`` does before every
  checkpoint); for checkpoints written without the hook this shows what it
  adds.
- ``real``: MS-SSIM among real images and among real sketches, and SWD
  between the two halves of the real set (the floor at this set size).
- ``connectivity_sketches`` of the real drafts and of each weight set's
  sketches: connected components of the strokes, the share of stroke pixels
  in the largest one, the inked fraction (``sketch_connectivity``): is a
  generated vessel tree one piece, as the drafts' are, or dashes?

Real images and sketches come from the config's train pipeline (the images
it was trained on). Appends one JSON line to
``benchmarks/results/skrgan_diagnose/results.jsonl`` and prints a summary.
"""
import argparse
import os.path as osp
import sys
import time

import numpy as np
import torch

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import mmskr  # noqa: E402,F401
from mmskr.apis import generate_images, init_model, load_real_images  # noqa
from experiments.runner import machine, now  # noqa: E402
from mmskr.engine.runner_utils import find_resumable_checkpoint  # noqa
from mmskr.evaluation.functional.ms_ssim import ms_ssim_diversity  # noqa
from mmskr.evaluation.functional.sketch_connectivity import \
    sketch_connectivity  # noqa: E402
from mmskr.evaluation.functional.swd import pggan_swd  # noqa: E402
from mmskr.utils import save_png, tile  # noqa: E402
from mmskr.utils.json_lines import append_json_line  # noqa: E402

RESULTS = osp.join(REPO, 'benchmarks', 'results', 'skrgan_diagnose',
                   'results.jsonl')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', help='the SkrGAN config the run trained with '
                   '(the copy in its work dir when it used --cfg-options)')
    p.add_argument('checkpoint', help='a .pth, or a work dir (its newest '
                   'complete checkpoint)')
    p.add_argument('--num-fake', type=int, default=100)
    p.add_argument('--data-root', help="replaces the config's data root")
    p.add_argument('--out', default=RESULTS, help='JSON-lines file to '
                   'append to (default: %(default)s)')
    p.add_argument('--grid', metavar='PNG', help='also write a sketch grid: '
                   'real sketch drafts, G_S sketches and their images '
                   '(the default weights), 8 of each')
    return p.parse_args(argv)


def rgb(images: np.ndarray) -> np.ndarray:
    """One-channel uint8 sketches as three equal channels (the metrics'
    input)."""
    return np.repeat(images, 3, axis=1) if images.shape[1] == 1 else images


@torch.no_grad()
def render(model, sketches: np.ndarray, batch_size: int = 16) -> np.ndarray:
    """G_P on uint8 sketches (N, 1, H, W); uint8 images like
    ``generate_images`` returns them."""
    out = []
    for i in range(0, len(sketches), batch_size):
        s = torch.from_numpy(sketches[i:i + batch_size]).float()
        image = model.renderer.render(s / 127.5 - 1.)
        image = model.data_preprocessor.destruct(image)
        out.append(image.round().clamp(0, 255).to(torch.uint8).numpy())
    return np.concatenate(out)


def levels(swd: dict) -> str:
    """'64/32/16' per-level SWD of a ``pggan_swd`` result."""
    return '/'.join(f'{v:.0f}' for k, v in swd.items() if k != 'avg')


def connected(c: dict) -> str:
    """One line of a ``sketch_connectivity`` result."""
    return (f'{c["components"]:.1f} stroke components, largest '
            f'{c["largest"]:.2f} of the strokes, {c["strokes"]:.3f} inked')


def sketch_grid(drafts: np.ndarray, sketches: np.ndarray,
                images: np.ndarray, num: int = 8, scale: int = 2
                ) -> np.ndarray:
    """Three rows of ``num`` cells, enlarged ``scale`` times (nearest):
    real sketch drafts, generated sketches, their images (uint8 NCHW
    inputs, one or three channels)."""
    rows = []
    for batch in (drafts, sketches, images):
        cells = [np.kron(c, np.ones((scale, scale, 1), np.uint8))
                 for c in rgb(batch[:num]).transpose(0, 2, 3, 1)]
        rows.append(tile(cells, cols=num))
    return np.concatenate(rows, axis=0)


def diagnose(config: str, checkpoint: str, num_fake: int = 100,
             data_root: str = None, grid: str = None) -> dict:
    """The measures described in the module docstring, as a dict (SWD
    per pyramid level beside each average, under ``*_levels``); the real
    images come from ``data_root`` (None: the config's); ``grid``: a PNG
    path for :func:`sketch_grid` of the default weights' samples."""
    model = init_model(config, checkpoint)
    if not hasattr(model, 'renderer'):
        raise TypeError(f'{config} is not a SkrGAN config (its model, '
                        f'{type(model).__name__}, has no renderer)')
    real = load_real_images(config, split='train', data_root=data_root)
    real_sketch = load_real_images(config, split='train', key='gt_sketch',
                                   data_root=data_root)
    seeds = list(range(num_fake))
    half = len(real) // 2
    result = dict(
        real=dict(
            num=len(real),
            ms_ssim=ms_ssim_diversity(real, seed=0),
            ms_ssim_sketches=ms_ssim_diversity(rgb(real_sketch), seed=0),
            connectivity_sketches=sketch_connectivity(real_sketch),
            swd_halves=pggan_swd(real[:half], real[half:], seed=0)['avg'],
            swd_halves_levels=pggan_swd(real[:half], real[half:], seed=0)),
        samples={})
    models = ['orig'] + (['ema'] if model.sketch_gan.with_ema_gen else [])
    drawn = {}
    for name in models:
        out = drawn[name] = generate_images(model, seeds, sample_model=name)
        fake, sketch = out['fake_img'], out['fake_sketch']
        swd = pggan_swd(real, fake, seed=0)
        swd_sketches = pggan_swd(rgb(real_sketch), rgb(sketch), seed=0)
        result['samples'][name] = dict(
            swd=swd['avg'],
            swd_levels=swd,
            ms_ssim=ms_ssim_diversity(fake, seed=0),
            swd_sketches=swd_sketches['avg'],
            swd_sketches_levels=swd_sketches,
            ms_ssim_sketches=ms_ssim_diversity(rgb(sketch), seed=0),
            connectivity_sketches=sketch_connectivity(sketch))
    rendered = render(model, real_sketch)
    swd = pggan_swd(real, rendered, seed=0)
    result['rendered_real_sketches'] = dict(
        swd=swd['avg'],
        swd_levels=swd,
        ms_ssim=ms_ssim_diversity(rendered, seed=0))
    # the renderer's batch-norm statistics fitted to G_S's sketches, as
    # RendererCalibrationHook does before each checkpoint (a no-op up to
    # float rounding for checkpoints written with the hook)
    name = model.sketch_gan._get_valid_model({})
    if grid:  # the samples drawn above, before the calibration
        save_png(grid, sketch_grid(real_sketch, drawn[name]['fake_sketch'],
                                   drawn[name]['fake_img']))
    model.calibrate_renderer(sample_model=name)
    fake = generate_images(model, seeds, sample_model=name)['fake_img']
    swd = pggan_swd(real, fake, seed=0)
    result['samples_calibrated'] = dict(
        sample_model=name, swd=swd['avg'], swd_levels=swd,
        ms_ssim=ms_ssim_diversity(fake, seed=0))
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    ckpt = args.checkpoint
    if osp.isdir(ckpt):
        ckpt = find_resumable_checkpoint(ckpt)
        if ckpt is None:
            print(f'no complete checkpoint in {args.checkpoint}',
                  file=sys.stderr)
            return 1
    t0 = time.time()
    row = dict(benchmark='skrgan_diagnose', time=now(), config=args.config,
               checkpoint=osp.relpath(osp.abspath(ckpt), REPO),
               protocol=dict(num_fake=args.num_fake,
                             seeds=f'0..{args.num_fake - 1}',
                             metric='PGGAN-protocol SWD x1e3 (avg), '
                             'MS-SSIM diversity, seed 0'))
    row.update(diagnose(args.config, ckpt, args.num_fake, args.data_root,
                        args.grid))
    row['wall_s'] = round(time.time() - t0, 1)
    row['machine'] = machine()
    append_json_line(args.out, row)
    r = row['real']
    print('SWD per level (64/32/16 px for 64 px images) in brackets')
    print(f'real: SWD between halves {r["swd_halves"]:.1f} '
          f'({levels(r["swd_halves_levels"])}), MS-SSIM images '
          f'{r["ms_ssim"]:.3f}, sketches {r["ms_ssim_sketches"]:.3f}; '
          f'drafts: {connected(r["connectivity_sketches"])}')
    for name, s in row['samples'].items():
        print(f'samples ({name}): SWD {s["swd"]:.1f} '
              f'({levels(s["swd_levels"])}), MS-SSIM {s["ms_ssim"]:.3f}; '
              'their sketches: SWD to real sketches '
              f'{s["swd_sketches"]:.1f} ({levels(s["swd_sketches_levels"])}),'
              f' MS-SSIM {s["ms_ssim_sketches"]:.3f}, '
              f'{connected(s["connectivity_sketches"])}')
    rr = row['rendered_real_sketches']
    print(f'G_P(real sketches): SWD {rr["swd"]:.1f} '
          f'({levels(rr["swd_levels"])}), MS-SSIM '
          f'{rr["ms_ssim"]:.3f}')
    c = row['samples_calibrated']
    print(f'samples ({c["sample_model"]}) after calibrate_renderer: SWD '
          f'{c["swd"]:.1f} ({levels(c["swd_levels"])}), MS-SSIM '
          f'{c["ms_ssim"]:.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
