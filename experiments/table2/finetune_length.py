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
cites the rows.

Runs live in ``WORK/{preset}/finetune_length/split{S}/L{L}/seed{s}/``;
rows go to ``results_dir/finetune_length.jsonl`` (one per length and
seed); finished stages and evaluations are reused.
"""
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np

from experiments.runner import machine, now, record, reused_row
from mmskr.datasets import find_vessel_set, load_pairs, load_vessel_native
from mmskr.utils.json_lines import newest_json_lines
from .harness import drive_file, evaluate, stage_config, train_stage
from .presets import SegPreset

__all__ = ['choose_length', 'read_rows', 'run_lengths', 'split_indices']


def _key(row: dict) -> Tuple[int, int, int]:
    return row['length'], row['seed'], row['split']['seed']


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
        ``split`` (seed and the val sample ids), ``metrics`` (on val),
        ``train_wall_s``.
    """
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
                               f'split{split_seed}', f'L{length}',
                               f'seed{seed}')
            cfg = stage_config(preset, train_file, osp.join(run_dir, 'fit'),
                               seed, length, indices=fit)
            stage = train_stage(cfg, f'length {length} seed {seed}')
            ckpt = stage['checkpoint']
            result_file = osp.join(run_dir, 'result.json')
            row = reused_row(result_file, split=split,
                             checkpoint_mtime=osp.getmtime(ckpt))
            if row is None:
                row = dict(
                    preset=preset.name, length=length, seed=seed,
                    split=split, checkpoint_mtime=osp.getmtime(ckpt),
                    train_wall_s=stage['wall_s'],
                    metrics=evaluate(ckpt, preset, held, native,
                                     device)['metrics'],
                    time=now(), machine=machine())
            record(result_file, results_file, row, _key)
            rows.append(row)
    return rows


def choose_length(rows: Sequence[dict]) -> Dict[str, object]:
    """The length with the highest mean validation AUC over seeds.

    Returns:
        dict: ``length`` (the choice) and ``table``: per length, the seeds
        and the mean of each metric.
    """
    by_length: Dict[int, List[dict]] = {}
    for r in rows:
        by_length.setdefault(r['length'], []).append(r['metrics'])
    table = {
        length: dict(seeds=len(ms), **{
            k: float(np.mean([m[k] for m in ms]))
            for k in ('sen', 'spe', 'acc', 'auc', 'f1')
        })
        for length, ms in sorted(by_length.items())
    }
    best = max(table, key=lambda length: table[length]['auc'])
    return dict(length=best, table=table)


def read_rows(results_file: str) -> List[dict]:
    """Rows of ``finetune_length.jsonl`` ([] if missing)."""
    return list(newest_json_lines(results_file, _key).values())

