"""The measurements of ``benchmarks/perf.py``, one per subprocess.

A cell is a JSON-able dict (``part``, ``config``, ``size``, ``device``,
``batch``, ...); :func:`run_cell` runs it in a fresh interpreter
(``python -m experiments.perf_cells CELL``) so that the peak memory it
reports belongs to that measurement alone, and turns errors and timeouts
into result rows.
"""
import json
import subprocess
import sys
import tempfile
import time
from typing import List

from experiments.runner import REPO

__all__ = ['CELLS', 'OPTIONS', 'run_cell', 'run_cells']


def _setup(cell: dict):
    import torch
    if cell.get('threads'):
        torch.set_num_threads(cell['threads'])
    torch.manual_seed(0)
    from experiments import perf
    from mmskr.apis import load_config
    cfg = load_config(cell['config'], cell.get('data_root'))
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
        optim_cfg = perf.amp_optim_wrapper_cfg(
            optim_cfg, cell['amp'],
            device='cuda' if str(device).startswith('cuda') else 'cpu')
    model, optim = perf.build_model_and_optim(
        model_cfg, optim_cfg, device, cell.get('channels_last', False),
        compile=cell.get('compile', False))
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


# the training options of ``--parts amp``, as cell_train arguments
OPTIONS = {
    'fp32': {},
    'bf16': dict(amp='bfloat16'),
    'fp16': dict(amp='float16'),  # GPU only
    'channels_last': dict(channels_last=True),
    'compile': dict(compile=True),
    'channels_last+compile': dict(channels_last=True, compile=True),
}


def cell_amp(cell: dict) -> dict:
    """fp32 against each training option (:data:`OPTIONS`; on a CPU bf16
    autocast through CPUAmpOptimWrapper, no fp16): images/s, its ratio to
    fp32 and the warm-up seconds (compilation happens there); the cell's
    ``options`` (default all) choose which. An option that fails (inductor has no double backward, which the gradient
    penalties need) keeps its error and None."""
    _setup(cell)
    out = {}
    gpu = str(cell['device']).startswith('cuda')
    for name in cell.get('options') or OPTIONS:
        if name == 'fp16' and not gpu:
            continue
        extra = OPTIONS[name]
        try:
            res = cell_train(dict(cell, **extra))
            out[name] = res['images_per_s']
            out[f'{name}_warmup_s'] = res['warmup_seconds']
        except Exception as exc:  # report the failure, keep the others
            out[name] = None
            out[f'{name}_error'] = f'{type(exc).__name__}: {exc}'[:300]
    for name in OPTIONS:
        if name != 'fp32' and out.get(name) and out.get('fp32'):
            out[f'{name}_ratio'] = out[name] / out['fp32']
    return out


CELLS = dict(train=cell_train, stages=cell_stages, data=cell_data,
             eval=cell_eval, amp=cell_amp)


def run_cell_inline(cell: dict) -> None:
    result = CELLS[cell['part']](cell)
    print('PERF_RESULT ' + json.dumps(result))


def _read(file) -> str:
    file.seek(0)
    text = file.read().decode(errors='replace')
    file.close()
    return text


def _collect(proc: subprocess.Popen, files, wall: float) -> dict:
    out, err = (_read(f) for f in files)
    for line in reversed(out.splitlines()):
        if line.startswith('PERF_RESULT '):
            return dict(json.loads(line[len('PERF_RESULT '):]),
                        cell_wall_seconds=round(wall, 1))
    last = (err.strip().splitlines() or ['no output'])[-1]
    if 'out of memory' in err.lower():
        last = 'out of memory: ' + last
    return dict(error=last[:300], returncode=proc.returncode)


def run_cells(cells: List[dict], timeout: float, env: dict) -> List[dict]:
    """Cells side by side, each in a fresh interpreter (e.g. two training
    jobs sharing the cores); errors and timeouts become rows."""
    t0 = time.perf_counter()
    # output to files, not pipes: a chatty child cannot fill a pipe and stall
    files = [(tempfile.TemporaryFile(), tempfile.TemporaryFile())
             for _ in cells]
    procs = [
        subprocess.Popen(
            [sys.executable, '-m', 'experiments.perf_cells',
             json.dumps(cell)],
            stdout=out, stderr=err, env=env, cwd=REPO)
        for cell, (out, err) in zip(cells, files)
    ]
    results = []
    for proc, pair in zip(procs, files):
        try:
            proc.wait(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            results.append(dict(error=f'no result within {timeout:.0f} s'))
            continue
        results.append(_collect(proc, pair, time.perf_counter() - t0))
    return results


def run_cell(cell: dict, timeout: float, env: dict) -> dict:
    """One cell in a fresh interpreter; errors and timeouts become rows."""
    return run_cells([cell], timeout, env)[0]


if __name__ == '__main__':
    run_cell_inline(json.loads(sys.argv[1]))
