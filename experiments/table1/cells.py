"""Train and evaluate one cell (method x modality x training seed) of
Table 1.

A cell lives in ``WORK/{preset}/{method}_{modality}/seed{seed}/`` (the
preset folder is ``{preset}+{digest}`` when ``compare.py --cfg-options`` set
config values, so that a cell trained with other values is never reused):
the Runner's work dir (checkpoints, logs, ``train.log`` with the trainer's
output) plus ``result.json`` (the cell's result row). Training runs
``tools/train.py`` in a subprocess with ``--resume``, so an interrupted cell
continues from its last complete checkpoint; a cell whose final checkpoint
and ``result.json`` (same protocol, same checkpoint) exist is reused as it
is.
"""
import hashlib
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import Callable, Dict

import numpy as np

from experiments.runner import CellError, read_json, write_json
from mmskr.apis import generate_images, init_model
from mmskr.engine.runner_utils import is_complete_checkpoint
from .presets import Preset, config_path

__all__ = ['cell_dir', 'cli_value', 'evaluate_cell', 'train_cell']

ITER_RE = re.compile(r'Iter\(train\)\s*\[\s*(\d+)/(\d+)\]')


def cell_dir(work_root: str, preset: Preset, method: str, modality: str,
             seed: int) -> str:
    """``WORK/{preset}/{method}_{modality}/seed{seed}``; ``{preset}`` is
    ``{name}+{digest}`` when the preset carries ``--cfg-options`` overrides
    (the first 8 hex digits of the SHA-1 of their sorted JSON)."""
    folder = preset.name
    if preset.overrides:
        text = json.dumps(preset.overrides, sort_keys=True, default=str)
        folder += '+' + hashlib.sha1(text.encode()).hexdigest()[:8]
    return osp.join(work_root, folder, f'{method}_{modality}', f'seed{seed}')


def _max_iters(cfg_file: str, preset: Preset) -> int:
    if preset.max_iters is not None:
        return preset.max_iters
    from mmengine.config import Config
    return int(Config.fromfile(cfg_file).train_cfg.max_iters)


def train_cell(repo: str,
               method: str,
               modality: str,
               preset: Preset,
               work: str,
               data_root: str,
               seed: int,
               progress: Callable[[str], None] = print,
               poll_s: float = 20.0) -> dict:
    """Train a cell to the preset's budget (or reuse / resume it).

    Args:
        repo (str): Repository root (holds ``tools/`` and ``configs/``).
        method (str): Method key (``'skrgan'``...).
        modality (str): Modality key (``'lungct'``...).
        preset (Preset): Budget.
        work (str): The cell's work dir.
        data_root (str): Data root passed to ``tools/train.py``.
        seed (int): Training seed (``randomness.seed``).
        progress (callable): Receives one-line progress messages.
        poll_s (float): Seconds between progress messages while training.

    Returns:
        dict: ``checkpoint``, ``iters``, ``kimg``, ``train_wall_s`` (summed
        over resumed attempts) and ``reused`` (True if nothing was trained).

    Raises:
        CellError: the trainer failed; the message ends with its log tail.
    """
    cfg_file = osp.join(repo, config_path(method, modality, preset))
    if not osp.isfile(cfg_file):
        raise CellError(f'{method}/{modality}: no config {cfg_file}')
    iters = _max_iters(cfg_file, preset)
    final = osp.join(work, f'iter_{iters}.pth')
    timing_file = osp.join(work, 'train_time.json')
    timing = read_json(timing_file) or dict(train_wall_s=0.0)
    batch = int(preset.cfg_options.get('train_dataloader.batch_size', 16))
    result = dict(checkpoint=final, iters=iters, batch_size=batch,
                  kimg=iters * batch / 1000.0)
    if is_complete_checkpoint(final):
        return dict(result, train_wall_s=timing['train_wall_s'], reused=True)
    os.makedirs(work, exist_ok=True)
    options = dict(preset.cfg_options, **preset.overrides)
    options['train_cfg.max_iters'] = iters
    options['randomness.seed'] = seed
    cmd = [
        sys.executable,
        osp.join(repo, 'tools', 'train.py'), cfg_file, '--work-dir', work,
        '--resume', '--data-root', data_root
    ] + list(preset.train_args) + ['--cfg-options'] + [
        f'{k}={cli_value(v)}' for k, v in options.items()]
    log_path = osp.join(work, 'train.log')
    start = time.time()
    with open(log_path, 'a') as log:
        log.write(f'\n$ {" ".join(cmd)}\n')
        log.flush()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                cwd=repo)
        try:
            while True:
                try:
                    proc.wait(timeout=poll_s)
                    break
                except subprocess.TimeoutExpired:
                    progress(_train_progress(log_path, start))
        except BaseException:  # Ctrl-C: stop the trainer, keep checkpoints
            proc.terminate()
            proc.wait()
            raise
        finally:
            timing['train_wall_s'] += time.time() - start
            write_json(timing_file, timing)
    if proc.returncode != 0 or not is_complete_checkpoint(final):
        raise CellError(
            f'{method}/{modality}: training failed (exit '
            f'{proc.returncode}); log {log_path}; last lines:\n' +
            _tail(log_path))
    return dict(result, train_wall_s=timing['train_wall_s'], reused=False)


def _tail(path: str, n: int = 25) -> str:
    with open(path, errors='replace') as f:
        return ''.join(f.readlines()[-n:])


def _train_progress(log_path: str, start: float) -> str:
    """'iter 350/2000, 2.1 min elapsed, ~8.0 min left' from the log."""
    with open(log_path, errors='replace') as f:
        found = ITER_RE.findall(f.read()[-20000:])
    elapsed = (time.time() - start) / 60
    if not found:
        return f'starting ({elapsed:.1f} min)'
    done, total = map(int, found[-1])
    return f'iter {done}/{total}, {elapsed:.1f} min elapsed'


def cli_value(value) -> str:
    """``value`` as mmengine's ``DictAction`` reads it back: lists and
    tuples as ``[a,b]`` without quotes (``str()`` would quote strings)."""
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(cli_value(v) for v in value) + ']'
    return str(value)


def evaluate_cell(repo: str,
                  method: str,
                  modality: str,
                  preset: Preset,
                  checkpoint: str,
                  real: np.ndarray,
                  metrics_fn: Callable[[np.ndarray, np.ndarray], dict],
                  device: str = 'cpu') -> Dict[str, object]:
    """Generate the preset's seeded images and measure them against ``real``.

    Args:
        repo (str): Repository root.
        method (str): Method key.
        modality (str): Modality key.
        preset (Preset): Protocol (``num_fake``, ``first_seed``).
        checkpoint (str): Trained checkpoint.
        real (np.ndarray): (M, 3, H, W) uint8 real images of the modality.
        metrics_fn (callable): ``(fake, real) -> dict`` of metric values.
        device (str): Device to sample on.

    Returns:
        dict: ``metrics`` and ``fake`` ((num_fake, 3, H, W) uint8).
    """
    cfg_file = osp.join(repo, config_path(method, modality, preset))
    model = init_model(cfg_file, checkpoint, device=device,
                       cfg_options=preset.overrides or None)
    seeds = range(preset.first_seed, preset.first_seed + preset.num_fake)
    fake = generate_images(model, list(seeds))['fake_img']
    if fake.shape[1:] != real.shape[1:]:
        raise CellError(f'{method}/{modality}: generated images are '
                        f'{fake.shape[1:]} but real ones {real.shape[1:]}')
    return dict(metrics=metrics_fn(fake, real), fake=fake)
