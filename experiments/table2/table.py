"""Render Table 2 (vessel segmentation with and without pretraining).

Every number comes from a row of ``results.jsonl`` (one row per arm and
seed; the newest row of an (arm, seed) wins); rows are aggregated over
seeds as mean +- sample standard deviation. The paper's values are shown on
their own rows, labelled ``reported``.
"""
import json
from typing import Dict, List, Optional, Tuple

import numpy as np
from tabulate import tabulate

from mmskr.utils.json_lines import newest_json_lines
from .presets import ARM_NAMES, ARMS
from mmskr.evaluation.functional import METRIC_KEYS

__all__ = [
    'COLUMNS', 'REPORTED', 'load_results', 'paired_deltas', 'pairs_text',
    'render', 'summarize', 'summary'
]

#: The paper's Table 2 (U-Net on DRIVE, one run each).
REPORTED: Dict[str, Dict[str, float]] = {
    'skrgan': dict(sen=0.8464, acc=0.9513, auc=0.9762),
    'none': dict(sen=0.7781, acc=0.9477, auc=0.9705),
}
REPORTED_SOURCE = ('Zhang et al., SkrGAN, MICCAI 2019, Table 2: U-Net '
                   'pretrained on 2000 SkrGAN pairs or not, fine-tuned on '
                   'the 20 DRIVE training images, tested on the 20 test '
                   'images; one run, no spread given')
_REPORTED_NAMES = {'skrgan': 'with (SkrGAN pairs)', 'none': 'without'}
#: The table's metric columns: the paper's SEN, ACC, AUC, and SPE and F1
#: (n/a in rows written before they were recorded, and for the paper).
COLUMNS = ('sen', 'spe', 'acc', 'auc', 'f1')
_HEADER = ['Pretraining', 'Source'] + [k.upper() for k in COLUMNS] + [
    'seeds', 'pretraining pairs', 'iterations (pre + fine)',
    'train min/seed']
#: The paper's pretraining pairs (it states their number, not their size).
_REPORTED_PAIRS = {'skrgan': '2000', 'none': 'none'}
_GRIDS = (('metrics', "DRIVE's 565x584 grid (the paper's)"),
          ('metrics_work', 'working resolution'))

Results = Dict[Tuple[str, int], dict]


def _grids(results: Results) -> List[Tuple[str, str]]:
    """The evaluation grids the rows have (a native-resolution preset has
    no separate working grid)."""
    return [(g, t) for g, t in _GRIDS
            if any(g in r for r in results.values())]


def load_results(path: str) -> Results:
    """Newest row per (arm, seed) of a JSON-lines file ({} if missing).

    Raises:
        ValueError: a line is not JSON (the file and line are named).
    """
    return newest_json_lines(path, lambda r: (r['arm'], int(r['seed'])))


def pairs_text(row: dict) -> str:
    """An arm's pretraining pairs: how many and at which size, and for a
    GAN's pairs the size the GAN drew them at (enlarged to the pairs' size
    at native resolution); ``'none'`` for arms that do not pretrain."""
    source, size = row.get('source'), row['protocol'].get('size')
    if not source:
        return 'none'
    if 'num_pairs' not in source:  # the real training images
        at = f'at {source["size"]} px' if source.get('size') else \
            'at their own size'
        return f'the real training images, {at}'
    size = source.get('pair_size', size)
    drawn = source.get('gan_size')
    text = f'{source["num_pairs"]} at {size} px'
    return text if drawn in (None, size) else f'{text}, drawn at {drawn} px'


def _std(values: List[float]) -> Optional[float]:
    return float(np.std(values, ddof=1)) if len(values) > 1 else None


def summarize(results: Results, grid: str = 'metrics') -> Dict[str, dict]:
    """Per arm: seeds, mean and std (ddof 1) of each metric, budget.

    Returns:
        dict: ``arm -> dict(seeds, mean, std, name, iters, pairs,
        wall_min, wall_seeds)``: the training minutes are the mean over the
        ``wall_seeds`` seeds whose stages all ran from iteration 0 (None
        if none did: a resumed stage times only its last attempt);
        ``std`` values are None with a single seed; a metric some row
        lacks is absent from ``mean`` and ``std``.
    """
    out = {}
    for arm in ARMS:
        rows = [r for (a, _), r in sorted(results.items()) if a == arm]
        if not rows:
            continue
        vals = {k: [r[grid].get(k) for r in rows] for k in COLUMNS}
        vals = {k: v for k, v in vals.items() if None not in v}
        # a resumed stage's wall time covers only its last attempt
        walls = [sum(r['train_wall_s'].values()) / 60 for r in rows
                 if not any((r.get('resumed_from') or {}).values())]
        out[arm] = dict(
            seeds=[r['seed'] for r in rows],
            mean={k: float(np.mean(v)) for k, v in vals.items()},
            std={k: _std(v) for k, v in vals.items()},
            name=(rows[-1]['source'] or {}).get('name', ARM_NAMES[arm]),
            iters=rows[-1]['iters'], pairs=pairs_text(rows[-1]),
            wall_min=float(np.mean(walls)) if walls else None,
            wall_seeds=len(walls))
    return out


def paired_deltas(results: Results, arm: str, base: str = 'none',
                  grid: str = 'metrics') -> Optional[dict]:
    """``arm - base`` per metric over the seeds both ran.

    Returns:
        dict | None: ``seeds`` and, per metric, ``(mean, std)`` of the
        per-seed differences (std None with one seed); None when no seed
        is shared.
    """
    seeds = sorted({s for a, s in results if a == arm}
                   & {s for a, s in results if a == base})
    if not seeds:
        return None
    out = dict(seeds=seeds)
    for k in METRIC_KEYS:
        d = [results[(arm, s)][grid][k] - results[(base, s)][grid][k]
             for s in seeds]
        out[k] = (float(np.mean(d)), _std(d))
    return out


def _pm(mean: Optional[float], std: Optional[float]) -> str:
    if mean is None:
        return 'n/a'
    return f'{mean:.4f}' if std is None else f'{mean:.4f} ± {std:.4f}'


def _minutes(s: dict) -> str:
    """Training minutes per seed; the seeds they average when a resumed
    seed is left out."""
    if s['wall_min'] is None:
        return 'n/a (resumed)'
    text = f'{s["wall_min"]:.1f}'
    if s['wall_seeds'] < len(s['seeds']):
        text += f' ({s["wall_seeds"]} of {len(s["seeds"])} seeds)'
    return text


def _body(summary: Dict[str, dict], reported: bool) -> List[list]:
    body = []
    for arm, s in summary.items():
        it = s['iters']
        body.append([
            s['name'], 'ours',
            *[_pm(s['mean'].get(k), s['std'].get(k)) for k in COLUMNS],
            ','.join(map(str, s['seeds'])), s['pairs'],
            f'{it["pretrain"]} + {it["finetune"]}', _minutes(s)
        ])
    if reported:
        for arm in ('skrgan', 'none'):
            body.append([_REPORTED_NAMES[arm], 'reported'] +
                        [_pm(REPORTED[arm].get(k), None) for k in COLUMNS] +
                        ['', _REPORTED_PAIRS[arm], '', ''])
    return body


def _verdicts(results: Results, grid: str,
              title: Optional[str] = None) -> List[str]:
    """Does pretraining beat ``none`` by more than the seed spread? (Each
    line starts with ``At {title}: `` when ``title`` is given.)"""
    summary = summarize(results, grid)
    lines = []
    for arm in summary:
        d = paired_deltas(results, arm, grid=grid) if arm != 'none' else None
        if d is None:
            continue
        parts = []
        for k in ('sen', 'auc', 'acc'):
            mean, std = d[k]
            stds = [summary[a]['std'][k] for a in (arm, 'none')]
            if None in stds:
                spread = 'spread n/a with one seed'
            else:
                beyond = 'yes' if mean > max(stds) else 'no'
                spread = (f'spread {max(stds):.4f}; gain beyond it: '
                          f'{beyond}')
            paired = '' if std is None else f' ± {std:.4f}'
            parts.append(f'{k.upper()} {mean:+.4f}{paired} ({spread})')
        at = f'At {title}: ' if title else ''
        lines.append(f'{at}{summary[arm]["name"]} - none, paired '
                     f'over seeds {d["seeds"]}: ' + '; '.join(parts))
    return lines


def _notes(results: Results) -> List[str]:
    notes = [
        'Protocol: ' + p for p in sorted({
            json.dumps(r['protocol'], sort_keys=True)
            for r in results.values()
        })
    ]
    for arm in ('real', 'skrgan', 'other'):
        sources = {json.dumps({k: v for k, v in r['source'].items()
                               if k != 'checkpoint_mtime'}, sort_keys=True)
                   for (a, _), r in results.items() if a == arm}
        notes += [f'Pairs of {arm}: {s}' for s in sorted(sources)]
    for grid, title in _grids(results):
        notes += _verdicts(results, grid, title)
    notes.append(
        'SEN = TP/(TP+FN), SPE = TN/(TN+FP), ACC = (TP+TN)/all and F1 = '
        '2TP/(2TP+FP+FN) at threshold 0.5 (n/a: not recorded in rows written '
        'before it was), AUC of the ROC; pooled over the FOV pixels of '
        'all 20 test images; mean ± sample std over seeds. "spread" = '
        'the larger std over seeds of the two arms compared. train '
        'min/seed: wall minutes of pretraining + fine-tuning, mean over the '
        'seeds none of whose stages was resumed (a resumed stage times only '
        'its last attempt). Reported rows: ' + REPORTED_SOURCE + '.')
    return notes


def render(results: Results, fmt: str = 'text') -> str:
    """Table 2 at both evaluation grids, with its notes.

    Args:
        results (dict): ``(arm, seed) -> row``.
        fmt (str): ``'text'`` or ``'markdown'``.
    """
    if fmt not in ('text', 'markdown'):
        raise ValueError(f"fmt must be 'text' or 'markdown', got {fmt!r}")
    tablefmt = 'github' if fmt == 'markdown' else 'simple'
    parts = []
    for grid, title in _grids(results):
        summary = summarize(results, grid)
        table = tabulate(_body(summary, grid == 'metrics'), _HEADER,
                         tablefmt=tablefmt, disable_numparse=True)
        head = f'Table 2, metrics at {title}'
        parts.append((f'### {head}' if fmt == 'markdown' else head) +
                     '\n\n' + table)
    parts = parts or ['No rows yet.']
    notes = _notes(results)
    if fmt == 'markdown':
        notes = [f'- {n}' for n in notes]
    return '\n\n'.join(parts) + '\n\n' + '\n'.join(notes) + '\n'


def summary(results: Results) -> str:
    """Markdown of the README's Table 2: our rows at both grids, the
    paper's rows (labelled ``reported``) beside them at DRIVE's grid, and
    the paired differences against ``none`` at that grid."""
    if not results:
        return 'No rows yet.\n'
    parts = []
    for grid, title in _grids(results):
        body = _body(summarize(results, grid), grid == 'metrics')
        table = tabulate(body, _HEADER, tablefmt='github',
                         disable_numparse=True)
        parts.append(f'At {title}:\n\n{table}')
    verdicts = _verdicts(results, 'metrics')
    if verdicts:
        parts.append(f'Paired differences against `none`, at '
                     f'{dict(_GRIDS)["metrics"]}:\n\n' +
                     '\n'.join(f'- {v}' for v in verdicts))
    return '\n\n'.join(parts) + '\n'
