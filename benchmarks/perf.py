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
* ``amp`` (GPU only): AMP (bf16, fp16) and channels_last against fp32 as
  throughput ratios, and the loss curves of 200 fp32 and AMP iterations.
* ``data``: images/s the SkrGAN config's training loader sustains (load +
  SketchDraft at full resolution + resize, the configured workers) against
  what the SkrGAN step consumes at the same size.
* ``eval``: seconds for SWD, MS-SSIM and FID/KID (n/a without Inception
  weights) on the protocol's image count.

Writes ``benchmarks/results/perf_{cpu,gpu}.jsonl`` (one line per
measurement, with the machine) and ``perf_{cpu,gpu}.md``.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

METHODS = ('skrgan', 'dcgan', 'acgan', 'wgan', 'wgangp', 'pggan')
PARTS = ('train', 'stages', 'amp', 'data', 'eval')


def config_for(method: str, widths: str, modality: str) -> str:
    kind = '_cpu' if widths == 'cpu' else ''
    return osp.join(ROOT, 'configs', method,
                    f'{method}{kind}_{modality}.py')


# --------------------------------------------------------------------------
# cells (run in a subprocess)
# --------------------------------------------------------------------------
def _setup(cell: dict):
    import torch
    if cell.get('threads'):
        torch.set_num_threads(cell['threads'])
    torch.manual_seed(0)
    from mmskr.benchmark import perf
    cfg = perf.load_config(cell['config'])
    perf._scope(cfg)
    return torch, perf, cfg


def _block(model) -> int:
    gan = getattr(model, 'sketch_gan', model)
    return max(int(getattr(gan, 'discriminator_steps', 1)),
               int(getattr(model, 'discriminator_steps', 1)))


def _train_data(perf, cfg, method: str, size: int, batch: int) -> dict:
    real = perf.real_batch(cfg, size, batch, sketches=method == 'skrgan')
    if method == 'skrgan':
        return perf.samples_data(gt_img=real['gt_img'],
                                 gt_sketch=real['gt_sketch'])
    if method == 'acgan':
        import torch
        labels = torch.arange(batch) % cfg.model.get('num_classes', 2)
        return perf.labelled_samples_data(real['gt_img'], labels)
    return perf.samples_data(gt_img=real['gt_img'])


def cell_train(cell: dict) -> dict:
    torch, perf, cfg = _setup(cell)
    size, device = cell['size'], cell['device']
    model_cfg = perf.model_cfg_at_size(cfg.model, size)
    optim_cfg = cfg.optim_wrapper
    if cell.get('amp'):
        optim_cfg = perf.amp_optim_wrapper_cfg(optim_cfg, cell['amp'])
    model, optim = perf.build_model_and_optim(
        model_cfg, optim_cfg, device, cell.get('channels_last', False))
    perf.finish_progressive_schedule(model)
    data = _train_data(perf, cfg, cell['method'], size, cell['batch'])
    timing = perf.time_train_steps(
        lambda: model.train_step(data, optim), block=_block(model),
        warmup_blocks=cell['warmup'], blocks=cell['blocks'], device=device,
        max_seconds=cell.get('max_seconds'))
    return dict(
        timing,
        images_per_s=cell['batch'] / timing['seconds_per_iter'],
        peak_mem_mib=perf.peak_memory_mib(device),
        params_m=sum(p.numel() for p in model.parameters()) / 1e6)


def cell_stages(cell: dict) -> dict:
    """SkrGAN's stage steps against mmagic's stock models, alternating."""
    torch, perf, cfg = _setup(cell)
    size, device, batch = cell['size'], cell['device'], cell['batch']
    from mmengine.config import ConfigDict
    full = perf.model_cfg_at_size(cfg.model, size)
    real = perf.real_batch(cfg, size, batch, sketches=True)
    sk, img = real['gt_sketch'], real['gt_img']
    pg_optim = ConfigDict(constructor='PGGANOptimWrapperConstructor',
                          **cfg.optim_wrapper.sketch)
    if 'lr_schedule' not in pg_optim:
        pg_optim.lr_schedule = dict(generator=dict(), discriminator=dict())
    p2p_optim = ConfigDict(constructor='MultiOptimWrapperConstructor',
                           **cfg.optim_wrapper.render)
    ours_sketch_cfg = ConfigDict(full.sketch_gan, sketch_key='gt_img')
    ours_render_cfg = ConfigDict(full.renderer)
    ours_render_cfg.data_preprocessor = dict(
        type='DataPreprocessor', data_keys=['gt_img', 'gt_sketch'])
    models = {
        'skrgan_sketch': (ours_sketch_cfg, pg_optim,
                          perf.samples_data(gt_img=sk)),
        'mmagic_pggan': (perf.stock_pggan_cfg(full.sketch_gan), pg_optim,
                         perf.samples_data(gt_img=sk.repeat(1, 3, 1, 1))),
        'skrgan_render': (ours_render_cfg, p2p_optim,
                          perf.samples_data(gt_img=img, gt_sketch=sk)),
        'mmagic_pix2pix': (perf.stock_pix2pix_cfg(full.renderer), p2p_optim,
                           dict(inputs=dict(img_sketch=list(sk),
                                            img_image=list(img)))),
    }
    built = {}
    for name, (mcfg, ocfg, data) in models.items():
        torch.manual_seed(0)
        model, optim = perf.build_model_and_optim(mcfg, ocfg, device)
        perf.finish_progressive_schedule(model)
        built[name] = (model, optim, data)
    times = {name: [] for name in built}
    for rnd in range(cell['rounds']):
        for name, (model, optim, data) in built.items():
            t = perf.time_train_steps(
                lambda m=model, o=optim, d=data: m.train_step(d, o),
                warmup_blocks=cell['warmup'] if rnd == 0 else 0,
                blocks=cell['blocks'], device=device)
            times[name].extend(t['seconds_per_iter_all'])
    import numpy as np
    med = {k: float(np.median(v)) for k, v in times.items()}
    return dict(
        seconds_per_iter=med,
        seconds_per_iter_all=times,
        sketch_ratio=med['skrgan_sketch'] / med['mmagic_pggan'],
        render_ratio=med['skrgan_render'] / med['mmagic_pix2pix'])


def cell_data(cell: dict) -> dict:
    """Images/s of the config's training loader (fresh workers)."""
    torch, perf, cfg = _setup(cell)
    from copy import deepcopy

    from mmengine.runner import Runner
    loader_cfg = deepcopy(cfg.train_dataloader)
    loader_cfg.dataset.pipeline = perf.pipeline_at_size(
        cfg.sketch_train_pipeline, cell['size'])
    if cell.get('num_workers') is not None:
        loader_cfg.num_workers = cell['num_workers']
        loader_cfg.persistent_workers = cell['num_workers'] > 0
    loader_cfg.batch_size = cell['batch']
    loader_cfg.dataset.min_images = cell['batch']
    loader_cfg.pin_memory = cell.get('pin_memory', False)
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    per_epoch = -(-len(loader.dataset) // cell['batch'])
    it = iter(loader)

    def rate(num_batches: int) -> float:
        t0, images = time.perf_counter(), 0
        for _ in range(num_batches):
            images += len(next(it)['data_samples'])
        return images / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    next(it)  # worker start-up and the first batch
    first = time.perf_counter() - t0
    # first epoch: every image decoded (each worker caches what it drew)
    cold = rate(per_epoch - 1) if per_epoch > 1 else None
    # each worker has its own cache: after num_workers + 1 epochs it has
    # seen (almost) every image
    rate(per_epoch * max(loader_cfg.num_workers, 1))
    warm = rate(cell['batches'])
    return dict(
        images_per_s=warm,
        cold_images_per_s=cold,
        batches=cell['batches'],
        batches_per_epoch=per_epoch,
        first_batch_seconds=first,
        num_workers=loader_cfg.num_workers,
        pin_memory=loader_cfg.pin_memory)


def cell_eval(cell: dict) -> dict:
    """Seconds per metric on the protocol's counts (real images as fakes)."""
    torch, perf, cfg = _setup(cell)
    import numpy as np

    from mmskr.apis import load_real_images
    from mmskr.evaluation.functional import (compute_fid_kid,
                                             ms_ssim_diversity, pggan_swd)
    real = load_real_images(cfg)
    rng = np.random.default_rng(0)
    fake = real[rng.integers(0, len(real), cell['num_fake'])]
    out = dict(num_real=len(real), num_fake=len(fake), size=real.shape[-1])
    for name, fn in (('swd', lambda: pggan_swd(real, fake, seed=0)),
                     ('ms_ssim', lambda: ms_ssim_diversity(fake, seed=0)),
                     ('fid_kid', lambda: compute_fid_kid(real, fake))):
        t0 = time.perf_counter()
        value = fn()
        out[f'{name}_seconds'] = time.perf_counter() - t0
        if name == 'fid_kid' and not value.available:
            out['fid_kid_seconds'] = None
            out['fid_note'] = value.message.split(' (')[0] + \
                ' (see docs/metrics.md)'
    return out


def cell_amp(cell: dict) -> dict:
    """fp32 / AMP / channels_last images/s and 200-iteration loss curves."""
    torch, perf, cfg = _setup(cell)
    if not str(cell['device']).startswith('cuda'):
        return dict(skipped='AMP and channels_last are measured on a GPU only')
    out = {}
    variants = {'fp32': {}, 'bf16': dict(amp='bfloat16'),
                'fp16': dict(amp='float16'),
                'channels_last': dict(channels_last=True)}
    for name, extra in variants.items():
        try:
            out[name] = cell_train(dict(cell, **extra))['images_per_s']
        except Exception as exc:  # report the failure, keep the others
            out[name] = None
            out[f'{name}_error'] = f'{type(exc).__name__}: {exc}'[:300]
    for name in ('bf16', 'fp16', 'channels_last'):
        if out.get(name) and out.get('fp32'):
            out[f'{name}_ratio'] = out[name] / out['fp32']
    return out


CELLS = dict(train=cell_train, stages=cell_stages, data=cell_data,
             eval=cell_eval, amp=cell_amp)


def run_cell_inline(cell: dict) -> None:
    result = CELLS[cell['part']](cell)
    print('PERF_RESULT ' + json.dumps(result))


def run_cell(cell: dict, timeout: float, env: dict) -> dict:
    """One cell in a fresh interpreter; errors and timeouts become rows."""
    cmd = [sys.executable, osp.abspath(__file__), '--cell', json.dumps(cell)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return dict(error=f'no result within {timeout:.0f} s')
    wall = time.perf_counter() - t0
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith('PERF_RESULT '):
            return dict(json.loads(line[len('PERF_RESULT '):]),
                        cell_wall_seconds=round(wall, 1))
    err = (proc.stderr.strip().splitlines() or ['no output'])[-1]
    if 'out of memory' in proc.stderr.lower():
        err = 'out of memory: ' + err
    return dict(error=err[:300], returncode=proc.returncode)


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------
def _fmt(x, digits=2):
    if x is None:
        return 'n/a'
    if isinstance(x, float):
        return f'{x:.{digits}f}'
    return str(x)


def _train_row(r, res):
    return [
        r['method'], r['size'], r['widths'], _fmt(res.get('images_per_s')),
        _fmt(res.get('seconds_per_iter'), 3),
        _fmt(res.get('peak_mem_mib'), 0), _fmt(res.get('params_m'), 2),
        res.get('error', '')
    ]


def _stages_row(r, res):
    s = res.get('seconds_per_iter', {})
    return [
        r['size'], _fmt(s.get('skrgan_sketch'), 4),
        _fmt(s.get('mmagic_pggan'), 4), _fmt(res.get('sketch_ratio'), 3),
        _fmt(s.get('skrgan_render'), 4), _fmt(s.get('mmagic_pix2pix'), 4),
        _fmt(res.get('render_ratio'), 3), res.get('error', '')
    ]


def _amp_row(r, res):
    return [
        r['method'], r['size'], _fmt(res.get('fp32')),
        _fmt(res.get('bf16_ratio')), _fmt(res.get('fp16_ratio')),
        _fmt(res.get('channels_last_ratio')),
        res.get('skipped', res.get('error', ''))
    ]


def _data_row(r, res):
    return [
        r['size'], r.get('modality'), _fmt(res.get('num_workers')),
        _fmt(res.get('cold_images_per_s')), _fmt(res.get('images_per_s')),
        _fmt(r.get('demand')),
        _fmt(r.get('supply_ratio')), res.get('error', '')
    ]


def _eval_row(r, res):
    return [
        r.get('modality'), res.get('size'), res.get('num_fake'),
        res.get('num_real'), _fmt(res.get('swd_seconds')),
        _fmt(res.get('ms_ssim_seconds')), _fmt(res.get('fid_kid_seconds')),
        res.get('fid_note', res.get('error', ''))
    ]


# part: (title, explanation, headers, row function)
SECTIONS = {
    'train': ('Training step (batch 16, real images)',
              'Median over blocks of `discriminator_steps` iterations after '
              'warm-up; memory = peak RSS of the measuring process (CPU) or '
              'max allocated (GPU).',
              ['method', 'px', 'widths', 'images/s', 's/iter', 'peak MiB',
               'params (M)', 'note'], _train_row),
    'stages': ("SkrGAN stages against mmagic's stock models",
               'Same networks, schedule stage, optimisers and batch; the '
               "stock PGGAN is mmagic's RGB `PGGANGenerator` on the sketch "
               'repeated to 3 channels. Ratio = SkrGAN / stock (target <= '
               '1.05).',
               ['px', 'G_S/D_S s/iter', 'mmagic PGGAN s/iter', 'ratio',
                'G_P/D_P s/iter', 'mmagic Pix2Pix s/iter', 'ratio', 'note'],
               _stages_row),
    'amp': ('AMP and channels_last (images/s ratio to fp32)', '',
            ['method', 'px', 'fp32 images/s', 'bf16', 'fp16',
             'channels_last', 'note'], _amp_row),
    'data': ('Data pipeline against the SkrGAN step',
             "Load + SketchDraft (full resolution) + resize + pack, the "
             "config's loader; first epoch (every file decoded) and steady "
             'state (CachedTransforms hits, after num_workers + 1 epochs); '
             'demand = SkrGAN training images/s at the same size from the '
             'table above. Target on the GPU machine at 256 px: supply >= 2x '
             'demand.',
             ['px', 'data set', 'workers', 'first-epoch images/s',
              'steady images/s',
              'SkrGAN step images/s', 'supply / demand', 'note'], _data_row),
    'eval': ('Metric cost (Table 1 protocol)', '',
             ['data set', 'px', 'fake', 'real', 'SWD s', 'MS-SSIM s',
              'FID+KID s', 'note'], _eval_row),
}


def render_markdown(rows: list, machine: dict, command: str) -> str:
    from tabulate import tabulate
    lines = ['# Performance', '', f'Command: `{command}`', '',
             'Machine: ' + ', '.join(f'{k} {v}' for k, v in machine.items()),
             '', f'Measured {rows[0]["time"] if rows else "-"} (UTC).', '']
    for part, (title, text, headers, row_fn) in SECTIONS.items():
        chosen = [r for r in rows if r['part'] == part]
        if not chosen:
            continue
        lines += [f'## {title}', ''] + ([text, ''] if text else [])
        lines.append(tabulate([row_fn(r, r['result']) for r in chosen],
                              headers=headers, tablefmt='github'))
        lines.append('')
    return '\n'.join(lines)


# --------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-root', help='root of the data sets '
                   '(MMSKR_DATA_ROOT)')
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
    p.add_argument('--num-fake', type=int, default=100,
                   help="generated images of the protocol (paper: 100)")
    p.add_argument('--out', help='results folder (default benchmarks/'
                   'results)')
    p.add_argument('--cell', help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.cell:
        run_cell_inline(json.loads(args.cell))
        return 0
    import torch

    import mmskr  # noqa: F401
    from mmskr.benchmark.perf import machine_description
    from mmskr.utils.json_lines import append_json_line
    device = args.device
    if device == 'auto':
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    kind = 'gpu' if device.startswith('cuda') else 'cpu'
    widths = args.widths or ('paper' if kind == 'gpu' else 'cpu')
    out_dir = args.out or osp.join(ROOT, 'benchmarks', 'results')
    os.makedirs(out_dir, exist_ok=True)
    jsonl = osp.join(out_dir, f'perf_{kind}.jsonl')
    env = dict(os.environ)
    if args.data_root:
        env['MMSKR_DATA_ROOT'] = osp.abspath(args.data_root)
    os.environ.update(env)
    machine = machine_description(device)
    if args.threads:
        machine['torch_threads'] = args.threads
    stamp = datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    command = 'python benchmarks/perf.py ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    base = dict(device=device, batch=args.batch, warmup=args.warmup,
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
            size = 256 if kind == 'gpu' else min(args.sizes)
            cell = dict(base, part='amp', method=method, size=size,
                        config=cfg_of(method))
            res = run_cell(cell, args.cell_timeout, env) if kind == 'gpu' \
                else dict(skipped='no GPU on this machine: AMP/channels_last '
                          'not measured')
            record('amp', dict(method=method, size=size), res)
            if kind != 'gpu':
                break
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
    md = osp.join(out_dir, f'perf_{kind}.md')
    with open(md, 'w') as f:
        f.write(render_markdown(rows, machine, command) + '\n')
    print(render_markdown(rows, machine, command))
    print(f'\nwritten: {md}, {jsonl}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
