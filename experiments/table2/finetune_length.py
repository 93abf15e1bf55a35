"""The fine-tuning length, chosen on a validation split of the training
images (never on the test images).

The training set's N images are split once (``split_seed``) into ``val``
(``num_val`` images) and ``fit`` (the rest). For each candidate length L
and training seed, the arm ``none`` (classic augmentation, no pretraining)
is fine-tuned on ``fit`` for L iterations with its own schedule (cosine
decay over L, as every arm's fine-tuning) and scored on ``val`` with the
preset's evaluation (SEN, SPE, ACC, AUC, F1 over the FOV pixels). The
chosen length is the one with the highest mean validation AUC over seeds;
the preset's ``finetune_iters`` is then set to it by hand, in a commit that
cites the rows. A variant of the preset (another U-Net width, learning
rate, ...: :func:`~experiments.runner.with_options`) is a candidate of its
own: its rows record the changed fields as ``options`` and are compared
with the preset's rows (``options`` ``{}``) by the same validation AUC.

Runs live in ``WORK/{preset}/finetune_length/[{options}/]split{S}/L{L}/
seed{s}/``; rows go to ``results_dir/finetune_length.jsonl`` (one per
options, length and seed); finished stages and evaluations are reused.
"""
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np

from experiments.runner import (changed_fields, machine, now, record,
                                reused_row)
from mmskr.datasets import find_vessel_set, load_pairs, load_vessel_native
from mmskr.utils.json_lines import newest_json_lines
from .harness import drive_file, evaluate, stage_config, train_stage
from .presets import PRESETS, SegPreset

__all__ = [
    'choose_length', 'options_text', 'read_rows', 'run_lengths',
    'split_indices'
]


def options_text(options: Dict[str, object]) -> str:
    """``'base_channels=32 lr=0.0005'``; ``'-'`` for the preset itself."""
    return ' '.join(f'{k}={v}' for k, v in sorted(options.items())) or '-'


def _key(row: dict) -> Tuple[str, int, int, int]:
    return (options_text(row.get('options', {})), row['length'],
            row['seed'], row['split']['seed'])


def split_indices(n: int, num_val: int,
                  split_seed: int) -> Tuple[List[int], List[int]]:
    """``(fit, val)``: a seeded random choice of ``num_val`` of ``n``
    indices for validation, the rest for fitting, both sorted."""
    if not 0 < num_val < n:
        raise ValueError(f'the validation split needs 0 < num_val < {n} '
                         f'training images, got {num_val}')
    order = np.random.default_rng(split_seed).permutation(n)
    return sorted(map(int, order[num_val:])), sorted(map(int, order[:num_val]))


def run_lengths(preset: SegPreset, drive: str, lengths: Sequence[int],
                seeds: Sequence[int], num_val: int, split_seed: int,
                work_root: str, results_file: str,
                device: str = 'cpu') -> List[dict]:
    """Fine-tune on ``fit`` for each length and seed; score on ``val``.

    Returns:
        list[dict]: One row per (length, seed): ``length``, ``seed``,
        ``options`` (the fields where ``preset`` differs from the named
        preset), ``split`` (seed and the val sample ids), ``metrics`` (on
        val), ``train_wall_s``.
    """
    options = changed_fields(preset, PRESETS[preset.name])
    variant = [options_text(options).replace(' ', '_')] if options else []
    data_dir = osp.join(work_root, preset.name, 'data')
    train_file = drive_file(data_dir, drive, 'training', preset.size)
    pairs, _ = load_pairs(train_file)
    fit, val = split_indices(len(pairs['img']), num_val, split_seed)
    held = {k: pairs[k][val] for k in ('img', 'vessel', 'fov')}
    native = None
    if not preset.native:
        full = load_vessel_native(find_vessel_set(drive, 'training'))
        native = {k: [full[k][i] for i in val] for k in ('vessel', 'fov')}
    split = dict(seed=split_seed,
                 val=[str(pairs['sample_id'][i]) for i in val])
    rows = []
    for length in lengths:
        for seed in seeds:
            run_dir = osp.join(work_root, preset.name, 'finetune_length',
                               *variant, f'split{split_seed}', f'L{length}',
                               f'seed{seed}')
            cfg = stage_config(preset, train_file, osp.join(run_dir, 'fit'),
                               seed, length, indices=fit)
            stage = train_stage(cfg, f'length {length} seed {seed}')
            ckpt = stage['checkpoint']
            mtime = osp.getmtime(ckpt)
            result_file = osp.join(run_dir, 'result.json')
            row = reused_row(result_file, split=split, options=options,
                             checkpoint_mtime=mtime)
            if row is None:
                row = dict(
                    preset=preset.name, length=length, seed=seed,
                    options=options, split=split, checkpoint_mtime=mtime,
                    train_wall_s=stage['wall_s'],
                    metrics=evaluate(ckpt, preset, held, native,
                                     device)['metrics'],
                    time=now(), machine=machine())
            record(result_file, results_file, row, _key)
            rows.append(row)
    return rows


def choose_length(rows: Sequence[dict]) -> Dict[str, object]:
    """The candidate (preset options, length) with the highest mean
    validation AUC over seeds.

    Returns:
        dict: ``options`` and ``length`` of the choice (options as
        :func:`options_text`), and ``table``: per candidate
        ``(options, length)``, the seeds, the mean of each metric and the
        mean training time ``train_wall_s``.
    """
    by_candidate: Dict[Tuple[str, int], List[dict]] = {}
    for r in rows:
        key = options_text(r.get('options', {})), r['length']
        by_candidate.setdefault(key, []).append(r)
    table = {
        key: dict(seeds=len(rs),
                  train_wall_s=float(np.mean([r['train_wall_s']
                                              for r in rs])),
                  **{k: float(np.mean([r['metrics'][k] for r in rs]))
                     for k in ('sen', 'spe', 'acc', 'auc', 'f1')})
        for key, rs in sorted(by_candidate.items())
    }
    options, length = max(table, key=lambda key: table[key]['auc'])
    return dict(options=options, length=length, table=table)


def read_rows(results_file: str) -> List[dict]:
    """Rows of ``finetune_length.jsonl`` ([] if missing)."""
    return list(newest_json_lines(results_file, _key).values())

