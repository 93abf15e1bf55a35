"""The Table 1 run: cells in order, shared real images, outputs.

Outputs in ``results_dir``: ``results.jsonl`` (one row per evaluated cell,
appended; the newest row of a cell wins), ``table.md`` and ``table.csv``
(rendered from ``results.jsonl``), ``samples.png`` (modality x method grid
of the first generated images of each cell; cells not on this machine keep
their tile from the existing ``samples.png``, or, with ``rebuild_grid``,
the grid is drawn anew from the given work dirs only).
"""
import dataclasses
import json
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from experiments.runner import (Log, leaderboard as _leaderboard, machine,
                                now, record, reused_row, run_cells,
                                same_identity, write_tables)
from mmskr.apis import load_real_images
from mmskr.utils import newest_json_lines, save_png, tile
from . import table
from .cells import cell_dir, evaluate_cell, train_cell
from .metrics import (BEST_RULE, protocol_dict, real_reference,
                      table_metrics)
from .presets import (METHOD_NAMES, METHODS, MODALITIES, Preset,
                      config_path, modality_name, parse_only,
                      table_modalities)

__all__ = [
    'leaderboard', 'parse_only', 'rebuild_grid', 'run', 'with_num_fake'
]

GRID_IMAGES = 4  # generated images per cell in samples.png (2 x 2)
GRID_CELL = 128  # pixels per image in samples.png
GRID_HEADER = 24  # height of the method-name row
GRID_LABEL = 110  # width of the modality-name column


def with_num_fake(preset: Preset, num_fake: int) -> Preset:
    if num_fake < 2:
        raise ValueError(f'--num-fake must be >= 2, got {num_fake}')
    return dataclasses.replace(preset, num_fake=num_fake)


log = Log('compare')


def _real(repo: str, modality: str, preset: Preset, data_root: str,
          cache: Dict[str, np.ndarray]) -> np.ndarray:
    if modality not in cache:
        cfg = osp.join(repo, config_path('skrgan', modality, preset))
        cache[modality] = load_real_images(
            cfg, max_images=preset.max_real, data_root=data_root,
            cfg_options=preset.overrides or None)
        log(f'{modality}: {len(cache[modality])} real images '
            f'{cache[modality].shape[1:]}')
    return cache[modality]


def _key(row: dict) -> Tuple[str, str, Optional[int]]:
    return row['method'], row['modality'], row.get('seed')


def tables(results: dict) -> Dict[str, str]:
    """The files ``results_dir`` holds besides ``results.jsonl``."""
    return {'table.md': table.render(results, 'markdown'),
            'table.csv': table.render(results, 'csv')}


def run(repo: str,
        preset: Preset,
        cells: List[Tuple[str, str]],
        data_root: str,
        work_root: str,
        results_dir: str,
        inception_weights: Optional[str] = None,
        device: str = 'cpu',
        seeds: Optional[List[int]] = None,
        skip_landed: bool = False) -> List[str]:
    """Train (or reuse) and evaluate ``cells`` once per training seed
    (``seeds``, default the preset's); write and print Table 1.

    ``skip_landed``: a cell and seed whose newest row in
    ``results_dir/results.jsonl`` has this protocol (config overrides
    included) is neither trained nor evaluated, even where its work dir is
    gone (a fresh clone, another machine).

    Returns:
        list[str]: Error messages of cells that failed (the others ran).
    """
    protocol = protocol_dict(preset, inception_weights)
    print('Protocol: ' + json.dumps(protocol, sort_keys=True), flush=True)
    results_file = osp.join(results_dir, 'results.jsonl')
    reals: Dict[str, np.ndarray] = {}
    refs: Dict[str, dict] = {}

    print(f'Best-marking rule: {BEST_RULE}', flush=True)
    seeds = list(preset.train_seeds) if seeds is None else list(seeds)

    landed = newest_json_lines(results_file, _key) if skip_landed else {}

    def cell(method: str, modality: str, seed: int, name: str) -> None:
        row = landed.get((method, modality, seed))
        # the protocol holds the --cfg-options overrides too
        if row is not None and same_identity(row, protocol=protocol):
            log(f'{name}: landed in {results_file}; skipped')
            return
        work = cell_dir(work_root, preset, method, modality, seed)
        trained = train_cell(
            repo, method, modality, preset, work, data_root, seed,
            progress=lambda msg: log(f'{name}: {msg}'))
        log(f'{name}: {"reused" if trained["reused"] else "trained"} '
            f'{trained["iters"]} iterations '
            f'({trained["train_wall_s"] / 60:.1f} min)')
        result_file = osp.join(work, 'result.json')
        stamp = osp.getmtime(trained['checkpoint'])
        if reused_row(result_file, protocol=protocol,
                      checkpoint_mtime=stamp):
            log(f'{name}: evaluation reused')
            return
        real = _real(repo, modality, preset, data_root, reals)
        if modality not in refs:
            refs[modality] = real_reference(real, preset)
        t0 = time.time()
        out = evaluate_cell(
            repo, method, modality, preset, trained['checkpoint'], real,
            lambda fake, real: table_metrics(fake, real, preset,
                                             inception_weights),
            device=device)
        metrics = dict(out['metrics'], **refs[modality])
        row = dict(
            preset=preset.name, method=method, modality=modality, seed=seed,
            config=config_path(method, modality, preset),
            checkpoint=osp.relpath(trained['checkpoint'], work_root),
            checkpoint_mtime=stamp, iters=trained['iters'],
            batch_size=trained['batch_size'], kimg=trained['kimg'],
            train_args=list(preset.train_args),
            **(dict(overrides=preset.overrides) if preset.overrides else {}),
            train_wall_s=round(trained['train_wall_s'], 1),
            eval_wall_s=round(time.time() - t0, 1), protocol=protocol,
            metrics=metrics, time=now(), machine=machine(device))
        np.save(osp.join(work, 'eval_samples.npy'),
                out['fake'][:GRID_IMAGES])
        record(result_file, results_file, row, _key)
        log(f'{name}: SWD {_avg(metrics.get("swd"))}, MS-SSIM '
            f'{metrics.get("ms_ssim")}, FRD {metrics.get("frd")}, copy rate '
            f'{metrics.get("copy_rate")}')

    failed = run_cells(
        [(f'{m}/{d}/seed{s}', lambda label, m=m, d=d, s=s: cell(m, d, s, label))
         for m, d in cells for s in seeds], log)
    results = table.load_results(results_file)
    _write_outputs(results, results_dir, work_root, preset)
    print(table.render(results, 'text'))
    for msg in failed:
        print(f'FAILED {msg}', file=sys.stderr)
    return failed


def _avg(v):
    return v.get('avg') if isinstance(v, dict) else v


def leaderboard(results_dir: str) -> int:
    """Print Table 1 from ``results_dir/results.jsonl`` and re-render
    ``table.md`` / ``table.csv`` from it; train nothing."""
    return _leaderboard(results_dir, table.load_results, tables,
                        lambda r: table.render(r, 'text'),
                        'benchmarks/compare.py')


def rebuild_grid(results_dir: str, work_roots: Sequence[str],
                 preset: Preset) -> int:
    """Draw ``results_dir/samples.png`` anew from the samples in
    ``work_roots`` (``sample_grid``: the first training seed's, else the
    lowest other seed's, captioned), keeping no tile of the old grid, so
    that no tile outlives the row it showed; rows are the modalities of
    ``results.jsonl``. Cells found in no root are grey and listed on
    stderr.

    Returns:
        int: 0, or 1 when no cell had samples (nothing written).
    """
    results = table.load_results(osp.join(results_dir, 'results.jsonl'))
    missing: List[str] = []
    grid = sample_grid(work_roots, preset, None,
                       table_modalities([d for _, d, _ in results]),
                       missing)
    if grid is None:
        log(f'no samples under {", ".join(work_roots)}; '
            f'{results_dir}/samples.png unchanged')
        return 1
    png = osp.join(results_dir, 'samples.png')
    save_png(png, grid)
    log(f'wrote {png}' + (f'; no samples (grey): {", ".join(missing)}'
                          if missing else '; every cell has its tile'))
    return 0


def _write_outputs(results: dict, results_dir: str, work_root: str,
                   preset: Preset) -> None:
    write_tables(results_dir, tables(results))
    png = osp.join(results_dir, 'samples.png')
    previous = cv2.imread(png) if osp.isfile(png) else None
    if previous is not None:
        previous = cv2.cvtColor(previous, cv2.COLOR_BGR2RGB)
    grid = sample_grid(work_root, preset, previous,
                       table_modalities([d for _, d, _ in results]))
    if grid is not None:
        save_png(png, grid)


def _label(text: str, width: int, height: int) -> np.ndarray:
    img = np.full((height, width, 3), 255, np.uint8)
    cv2.putText(img, text, (4, height - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                (0, 0, 0), 1, cv2.LINE_AA)
    return img


def _samples(roots: Sequence[str], preset: Preset, method: str,
             modality: str, seeds: Sequence[int]
             ) -> Tuple[Optional[str], Optional[int]]:
    """The first ``eval_samples.npy`` of a cell over ``seeds`` (outer) and
    ``roots`` (inner), with its seed; ``(None, None)`` when none exists."""
    for seed in seeds:
        for root in roots:
            path = osp.join(cell_dir(root, preset, method, modality, seed),
                            'eval_samples.npy')
            if osp.isfile(path):
                return path, seed
    return None, None


def _tile_cell(path: str, side: int, caption: str = '') -> np.ndarray:
    """A grid cell: the first ``GRID_IMAGES`` samples at ``path``, 2 x 2,
    with ``caption`` (e.g. ``seed 1``) on a white strip at its foot."""
    cell = np.full((side, side, 3), 230, np.uint8)
    imgs = np.load(path)[:GRID_IMAGES].transpose(0, 2, 3, 1)
    imgs = [
        cv2.resize(i, (GRID_CELL, GRID_CELL),
                   interpolation=cv2.INTER_NEAREST) for i in imgs
    ]
    t = tile(imgs, cols=2, pad=0)
    cell[:t.shape[0], :t.shape[1]] = t
    if caption:
        cell[side - 18:] = _label(caption, side, 18)
    return cell


def sample_grid(work_root: Union[str, Sequence[str]],
                preset: Preset,
                previous: Optional[np.ndarray] = None,
                modalities: Sequence[str] = MODALITIES,
                missing: Optional[List[str]] = None
                ) -> Optional[np.ndarray]:
    """Modality x method grid of each cell's first generated images.

    A cell's tile is, in this order: the first training seed's samples in
    a work dir; its tile in ``previous``; another training seed's samples
    (the lowest seed found; the tile is captioned ``seed S``).

    Args:
        work_root (str | Sequence[str]): Holds the cells' work dirs; of
            several, a cell's tile comes from the first that has its
            samples.
        preset (Preset): The preset of the cells (its ``train_seeds``).
        previous (np.ndarray, optional): An earlier grid (RGB) of this
            layout, e.g. the committed ``samples.png``. A cell whose work dir
            has no samples on this machine keeps its tile from it, so that
            retraining some cells on a fresh clone does not blank the rest.
        modalities (Sequence[str]): The grid's rows (default the paper's
            four).
        missing (list, optional): Receives ``method/modality`` of the
            cells drawn grey (no samples, no previous tile).
    """
    roots = [work_root] if isinstance(work_root, str) else list(work_root)
    first, *others = preset.train_seeds
    side = GRID_CELL * 2 + 2
    rows, any_cell = [], False
    shape = (GRID_HEADER + side * len(modalities),
             GRID_LABEL + side * len(METHODS), 3)
    if previous is not None and previous.shape != shape:
        previous = None  # another layout: nothing to keep
    header = [_label('', GRID_LABEL, GRID_HEADER)] + [
        _label(METHOD_NAMES[m], side, GRID_HEADER) for m in METHODS
    ]
    rows.append(np.concatenate(header, axis=1))
    for i, modality in enumerate(modalities):
        line = [_label(modality_name(modality), GRID_LABEL, side)]
        for j, method in enumerate(METHODS):
            path, seed = _samples(roots, preset, method, modality, [first])
            if path is None and previous is None:
                path, seed = _samples(roots, preset, method, modality, others)
            if path is not None:
                cell = _tile_cell(path, side,
                                  '' if seed == first else f'seed {seed}')
            elif previous is not None:
                y, x = GRID_HEADER + i * side, GRID_LABEL + j * side
                cell = previous[y:y + side, x:x + side].copy()
            else:
                cell = np.full((side, side, 3), 230, np.uint8)
                if missing is not None:
                    missing.append(f'{method}/{modality}')
            any_cell = any_cell or path is not None or previous is not None
            line.append(cell)
        rows.append(np.concatenate(line, axis=1))
    return np.concatenate(rows, axis=0) if any_cell else None
