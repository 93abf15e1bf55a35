"""Loss curves of short real training runs under each training option.

Used by ``benchmarks/perf.py --parts curves``. A speed option is only worth
having if training still goes the same way: each option trains a config for
``iters`` iterations through ``tools/train.py`` (the real Runner, data and
losses) from the same seed as an fp32 run, and its logged losses are
compared with that run. The yardstick is the seed spread: the same fp32
run from another seed. For a loss :math:`\\ell` logged at iterations
:math:`t = 1..T` (each value the mean of the last ``window`` iterations),

.. math::

    d(a, b) = \\frac{\\frac{1}{T}\\sum_t |\\ell_a(t) - \\ell_b(t)|}
                   {\\frac{1}{T}\\sum_t |\\ell_b(t)|}

and an option's ratio is :math:`d(\\text{option}, \\text{fp32}) /
d(\\text{fp32, other seed}, \\text{fp32})`, the largest over the losses both
runs log: below 1, the option moves the curves less than a new seed does.
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

from experiments.runner import REPO

__all__ = ['CURVE_OPTIONS', 'curve_deviation', 'loss_curves', 'train_curve']

# option -> tools/train.py flags (compile is not a training flag: the
# ``amp`` part measures it, and inductor cannot train the gradient
# penalties)
CURVE_OPTIONS: Dict[str, List[str]] = {
    'fp32': [],
    'bf16': ['--amp'],
    'channels_last': ['--channels-last'],
}


def loss_curves(work_dir: str) -> Dict[str, List[float]]:
    """``{loss name: [value per logged iteration]}`` from the
    ``vis_data/scalars.json`` a run wrote under ``work_dir`` (keys with
    ``loss`` in their name; iterations in order)."""
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not files:
        raise FileNotFoundError(f'no */vis_data/scalars.json under '
                                f'{work_dir}: did the run log anything?')
    rows = []
    for path in files:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    rows.sort(key=lambda r: r.get('iter', 0))
    curves: Dict[str, List[float]] = {}
    for row in rows:
        for key, value in row.items():
            if 'loss' in key and isinstance(value, (int, float)):
                curves.setdefault(key, []).append(float(value))
    return curves


def train_curve(config: str,
                data_root: str,
                work_dir: str,
                option: str,
                seed: int = 0,
                iters: int = 200,
                window: int = 10,
                threads: Optional[int] = None,
                timeout: float = 3600.,
                cfg_options: Sequence[str] = ()) -> dict:
    """Train ``config`` for ``iters`` iterations with ``option``'s flags
    and return its loss curves (``cfg_options``: more ``KEY=VALUE``
    overrides, e.g. a smaller batch).

    Returns:
        dict: ``curves`` (:func:`loss_curves`), ``wall_s``; or ``error``
        (the trainer's last line) when the run failed.
    """
    import time
    cmd = [
        sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
        '--work-dir', work_dir, '--data-root', data_root
    ] + CURVE_OPTIONS[option] + [
        '--cfg-options', f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}', f'randomness.seed={seed}',
        'val_dataloader=None', 'val_cfg=None', 'val_evaluator=None',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'default_hooks.logger.interval={window}',
        f'log_processor.window_size={window}',
        f'default_hooks.checkpoint.interval={iters}'
    ] + list(cfg_options)
    env = dict(os.environ)
    if threads:
        env['OMP_NUM_THREADS'] = str(threads)
    os.makedirs(work_dir, exist_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ['no output'])[-1]
        return dict(error=last[:300], returncode=proc.returncode)
    return dict(curves=loss_curves(work_dir), wall_s=round(wall, 1))


def _relative_gap(a: List[float], b: List[float]) -> float:
    n = min(len(a), len(b))
    scale = sum(abs(x) for x in b[:n]) / n
    gap = sum(abs(x - y) for x, y in zip(a[:n], b[:n])) / n
    return gap / scale if scale > 0 else float('inf')


def curve_deviation(option: Dict[str, List[float]],
                    reference: Dict[str, List[float]],
                    other_seed: Dict[str, List[float]]) -> dict:
    """Compare an option's curves with the fp32 reference, in units of the
    seed spread (module docstring).

    Returns:
        dict: ``deviation`` (largest relative gap to the reference over the
        shared losses), ``seed_deviation`` (the other seed's, same losses),
        ``ratio`` (their quotient, the largest over the losses of the
        per-loss quotients) and ``losses`` (the names compared: the shared
        ones, less those that are zero throughout all three runs, e.g.
        ACGAN's class losses on an unlabeled set, which have no scale).
    """
    shared = set(option) & set(reference) & set(other_seed)
    names = sorted(n for n in shared if any(
        v != 0 for run in (option, reference, other_seed) for v in run[n]))
    if not names:
        raise ValueError('the runs log no loss in common: '
                         f'{sorted(option)} vs {sorted(reference)}')
    per = {n: (_relative_gap(option[n], reference[n]),
               _relative_gap(other_seed[n], reference[n])) for n in names}
    return dict(
        deviation=max(d for d, _ in per.values()),
        seed_deviation=max(s for _, s in per.values()),
        ratio=max(d / s if s > 0 else float('inf')
                  for d, s in per.values()),
        losses=names)
