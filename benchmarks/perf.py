"""Training throughput, memory, stage overhead, data loading and metric cost.

    python benchmarks/perf.py --data-root ../shared/data            # CPU
    python benchmarks/perf.py --data-root data --device cuda        # GPU

Parts (``--parts``, all by default), each measured in its own subprocess so
peak memory belongs to that measurement alone:

* ``train``: images/s and peak memory (CPU RSS / GPU max allocated) of one
  training iteration of every method at each size (batch 16, real images,
  warm-up first, median over blocks of ``discriminator_steps`` iterations).
  A method stops growing once a step takes longer than ``--max-step-seconds``
  or runs out of memory (reported as such).
* ``stages``: SkrGAN's sketch step and render step against mmagic's stock
  ``ProgressiveGrowingGAN`` and ``Pix2Pix`` steps with the same networks,
  schedule and optimisers at the same size (alternating blocks, medians):
  the plugin's overhead as a ratio (target <= 1.05).
* ``amp``: training options against fp32 as throughput ratios, measured
  in one process: mixed precision (GPU: bf16 and fp16 AMP; CPU: bf16
  autocast, ``CPUAmpOptimWrapper``), channels_last, ``torch.compile``
  (inductor) and both (GPU at 256 px, CPU at the two smallest ``--sizes``;
  ``--options`` picks some).
* ``threads``: images/s of one method's training step (smallest
  ``--sizes``) as one job with 1 and with 2 intra-op threads, and as two
  1-thread jobs side by side (summed): how to spend the cores.
* ``curves``: each method's config trained ``--curve-iters`` iterations
  (``tools/train.py``, seed 0) in fp32, bf16 and channels_last, and in
  fp32 from seed 1: how far each option's loss curves move from fp32's, in
  units of the seed spread (``experiments/perf_curves.py``).
* ``data``: images/s the SkrGAN config's training loader sustains (load +
  SketchDraft at full resolution + resize, the configured workers) against
  what the SkrGAN step consumes at the same size.
* ``eval``: seconds for SWD, MS-SSIM and FID/KID (n/a without Inception
  weights) on the protocol's image count.

Appends to ``benchmarks/results/perf_{cpu,gpu}/results.jsonl`` (one line
per measurement, with the machine) and renders ``table.md`` beside it from
the newest row of each measurement.
"""
import argparse
import os
import os.path as osp
import sys
from datetime import datetime, timezone

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

from experiments.perf_cells import OPTIONS, run_cell, run_cells  # noqa: E402,E501
from experiments.perf_table import load_results, render  # noqa: E402
from experiments.table1.presets import METHODS, config_file  # noqa: E402

PARTS = ('train', 'stages', 'amp', 'threads', 'curves', 'data', 'eval')


def config_for(method: str, widths: str, modality: str) -> str:
    return osp.join(ROOT, config_file(method, modality, widths))


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-root', help="root of the data sets (default: "
                   "the configs' data root, $MMSKR_DATA_ROOT or data)")
    p.add_argument('--device', default='auto',
                   help="'cpu', 'cuda' or 'auto' (cuda when available)")
    p.add_argument('--parts', nargs='+', default=list(PARTS),
                   choices=PARTS)
    p.add_argument('--methods', nargs='+', default=list(METHODS),
                   choices=METHODS)
    p.add_argument('--sizes', nargs='+', type=int,
                   default=[64, 128, 256, 512])
    p.add_argument('--widths', choices=['cpu', 'paper'],
                   help="network widths: the '_cpu' configs or the paper's "
                   '(default: cpu on CPU, paper on GPU)')
    p.add_argument('--modality', default='lungct')
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--warmup', type=int, default=2,
                   help='untimed blocks before timing')
    p.add_argument('--blocks', type=int, default=5, help='timed blocks')
    p.add_argument('--max-step-seconds', type=float, default=30.,
                   help='stop growing a method past a size whose step '
                   'takes longer')
    p.add_argument('--cell-timeout', type=float, default=900.)
    p.add_argument('--threads', type=int, help='torch threads per cell')
    p.add_argument('--options', nargs='+', choices=list(OPTIONS),
                   help='training options of --parts amp (default: all; '
                   'fp16 only on a GPU)')
    p.add_argument('--curve-iters', type=int, default=200,
                   help='iterations of each --parts curves run')
    p.add_argument('--num-fake', type=int, default=100,
                   help="generated images of the protocol (paper: 100)")
    p.add_argument('--out', help='results folder (default benchmarks/'
                   'results/perf_cpu or perf_gpu)')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    import mmskr  # noqa: F401
    from experiments.runner import machine as machine_description
    from mmskr.utils.json_lines import append_json_line
    device = args.device
    if device == 'auto':
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    kind = 'gpu' if device.startswith('cuda') else 'cpu'
    widths = args.widths or ('paper' if kind == 'gpu' else 'cpu')
    out_dir = args.out or osp.join(ROOT, 'benchmarks', 'results',
                                   f'perf_{kind}')
    os.makedirs(out_dir, exist_ok=True)
    jsonl = osp.join(out_dir, 'results.jsonl')
    env = dict(os.environ)
    machine = machine_description(device)
    if args.threads:
        machine['torch_threads'] = args.threads
    stamp = datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    command = 'python benchmarks/perf.py ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    base = dict(device=device, batch=args.batch,
                data_root=args.data_root and osp.abspath(args.data_root), warmup=args.warmup,
                blocks=args.blocks, threads=args.threads)
    rows = []

    def record(part, cell_extra, result, **extra):
        row = dict(time=stamp, part=part, machine=machine, widths=widths,
                   command=command, **cell_extra, **extra, result=result)
        rows.append(row)
        append_json_line(jsonl, row)
        brief = {k: v for k, v in result.items()
                 if not isinstance(v, (list, dict))}
        print(f'[perf] {part} {cell_extra}: {brief}', file=sys.stderr,
              flush=True)

    def cfg_of(method):
        return config_for(method, widths, args.modality)

    skrgan_speed = {}
    if 'train' in args.parts:
        for method in args.methods:
            for size in sorted(args.sizes):
                cell = dict(base, part='train', method=method, size=size,
                            config=cfg_of(method),
                            max_seconds=args.max_step_seconds * args.blocks)
                res = run_cell(cell, args.cell_timeout, env)
                record('train', dict(method=method, size=size), res)
                if method == 'skrgan' and 'images_per_s' in res:
                    skrgan_speed[size] = res['images_per_s']
                if 'error' in res or res['seconds_per_iter'] > \
                        args.max_step_seconds:
                    break  # larger sizes cost more still
    if 'stages' in args.parts:
        for size in sorted(args.sizes):
            cell = dict(base, part='stages', size=size,
                        config=cfg_of('skrgan'), rounds=2)
            res = run_cell(cell, args.cell_timeout, env)
            record('stages', dict(size=size), res)
            if 'error' in res or max(res['seconds_per_iter'].values()) > \
                    args.max_step_seconds:
                break
    if 'amp' in args.parts:
        for method in args.methods:
            for size in ([256] if kind == 'gpu' else sorted(args.sizes)[:2]):
                cell = dict(base, part='amp', method=method, size=size,
                            config=cfg_of(method), options=args.options)
                res = run_cell(cell, args.cell_timeout, env)
                record('amp', dict(method=method, size=size), res)
    if 'threads' in args.parts:
        for method in args.methods:
            cell = dict(base, part='train', method=method,
                        size=min(args.sizes), config=cfg_of(method),
                        max_seconds=args.max_step_seconds * args.blocks)
            one = dict(cell, threads=1)
            runs = dict(one_job_1_thread=[run_cell(one, args.cell_timeout,
                                                   env)],
                        one_job_2_threads=[run_cell(
                            dict(cell, threads=2), args.cell_timeout, env)],
                        two_jobs_1_thread=run_cells([one, one],
                                                    args.cell_timeout, env))
            res = {k: sum(r['images_per_s'] for r in v)
                   if all('images_per_s' in r for r in v) else None
                   for k, v in runs.items()}
            errors = [r['error'] for v in runs.values() for r in v
                      if 'error' in r]
            if errors:
                res['error'] = errors[0]
            record('threads', dict(method=method, size=min(args.sizes)), res)
    if 'curves' in args.parts:
        import tempfile
        from experiments.perf_curves import (CURVE_OPTIONS, curve_deviation,
                                             train_curve)
        for method in args.methods:
            runs = {}
            with tempfile.TemporaryDirectory() as tmp:
                for name, seed in [('fp32', 0), ('fp32_seed1', 1)] + [
                        (o, 0) for o in CURVE_OPTIONS if o != 'fp32']:
                    runs[name] = train_curve(
                        cfg_of(method), args.data_root, osp.join(tmp, name),
                        name.split('_seed')[0], seed=seed,
                        iters=args.curve_iters, threads=args.threads,
                        timeout=args.cell_timeout)
            res = dict(iters=args.curve_iters, runs=runs)
            if all('curves' in r for r in runs.values()):
                res['options'] = {
                    name: dict(curve_deviation(
                        runs[name]['curves'], runs['fp32']['curves'],
                        runs['fp32_seed1']['curves']),
                        wall_s=runs[name]['wall_s'])
                    for name in CURVE_OPTIONS if name != 'fp32'}
            else:
                res['error'] = next(r['error'] for r in runs.values()
                                    if 'error' in r)
            record('curves', dict(method=method, modality=args.modality),
                   res)
    if 'data' in args.parts:
        for size in sorted(args.sizes):
            cell = dict(base, part='data', size=size, batches=10,
                        config=cfg_of('skrgan'))
            res = run_cell(cell, args.cell_timeout, env)
            demand = skrgan_speed.get(size)
            ratio = res['images_per_s'] / demand if demand and \
                'images_per_s' in res else None
            record('data', dict(size=size, modality=args.modality), res,
                   demand=demand, supply_ratio=ratio)
    if 'eval' in args.parts:
        cell = dict(base, part='eval', num_fake=args.num_fake,
                    config=cfg_of('skrgan'))
        res = run_cell(cell, args.cell_timeout, env)
        record('eval', dict(modality=args.modality), res)
    md = osp.join(out_dir, 'table.md')
    with open(md, 'w') as f:  # every measurement's newest row
        f.write(render(load_results(jsonl)) + '\n')
    print(render(rows))
    print(f'\nwritten: {md}, {jsonl}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
