"""Render Table 1 from the harness's JSON lines.

Every number comes from a result row a run wrote (``results.jsonl``, one
row per cell; the newest row of a cell wins); the paper's values are shown
on their own rows, labelled ``reported``.
"""
import csv
import io
import json
import math
from typing import Dict, List, Optional, Tuple

from tabulate import tabulate

from mmskr.utils.json_lines import newest_json_lines
from .presets import METHOD_NAMES, METHODS, MODALITIES, MODALITY_NAMES
from .reported import REPORTED, REPORTED_SOURCE

__all__ = [
    'METRIC_ROWS', 'best_methods', 'load_results', 'render', 'summary'
]

NA = 'n/a'
NOT_RUN = '-'

# (result key, row label, how the best value of a row is chosen)
#   'min': lowest wins; 'real': closest to the real-pairs reference wins.
METRIC_ROWS: Tuple[Tuple[str, str, str], ...] = (
    ('swd', 'SWD x1e3 (lower better)', 'min'),
    ('ms_ssim', 'MS-SSIM (closest to real better)', 'real'),
    ('fid', 'FID (lower better)', 'min'),
    ('kid', 'KID x1e3 (lower better)', 'min'),
)
_FORMATS = {'swd': '{:.2f}', 'ms_ssim': '{:.3f}', 'fid': '{:.2f}',
            'kid': '{:.2f}'}
LEGEND = (
    'Best value of a row marked with *. SWD: PGGAN protocol (docs/'
    'metrics.md), x1e3, average over pyramid levels. MS-SSIM: mean over '
    'pairs of generated images, a diversity measure (lower = more diverse); '
    'the "real" column is the same measure on pairs of real images and the '
    'best method is the closest to it (the paper reads MS-SSIM as higher-'
    'is-better, which also rewards mode collapse). Reported rows: '
    f'{REPORTED_SOURCE}; the paper has no WGAN-GP and no KID, and its SWD '
    'is on another scale.')


def load_results(path: str) -> Dict[Tuple[str, str], dict]:
    """Newest row per (method, modality) from a JSON-lines file.

    Raises:
        ValueError: a line is not JSON (the file and line are named).
    """
    return newest_json_lines(path, lambda r: (r['method'], r['modality']))


def _value(row: Optional[dict], key: str) -> Optional[float]:
    """A metric of a result row as float; None when n/a or not run."""
    if row is None:
        return None
    v = row['metrics'].get(key)
    if isinstance(v, dict):
        v = v.get('avg')
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)


def best_methods(values: Dict[str, Optional[float]], rule: str,
                 real: Optional[float] = None) -> List[str]:
    """Methods holding the best value of a row (ties all win).

    Args:
        values (dict): method -> value (None = n/a or not run).
        rule (str): ``'min'``, ``'max'`` or ``'real'`` (closest to
            ``real``).
        real (float, optional): Reference for ``'real'``.
    """
    numeric = {m: v for m, v in values.items() if v is not None}
    if not numeric or (rule == 'real' and real is None):
        return []
    if rule == 'min':
        score = dict(numeric)
    elif rule == 'max':
        score = {m: -v for m, v in numeric.items()}
    elif rule == 'real':
        score = {m: abs(v - real) for m, v in numeric.items()}
    else:
        raise ValueError(f'unknown rule {rule!r}')
    best = min(score.values())
    return [m for m, s in score.items() if math.isclose(s, best)]


def _fmt(key: str, v: Optional[float], row: Optional[dict]) -> str:
    if row is None:
        return NOT_RUN
    if v is None:
        return NA
    return _FORMATS[key].format(v)


def _table(results: Dict[Tuple[str, str], dict], bold: str,
           keys: Optional[Tuple[str, ...]] = None,
           with_reported: bool = True) -> List[list]:
    """Body rows: [modality, metric, source, *methods, real] of the metrics
    ``keys`` (None: all), with the paper's rows if ``with_reported``."""
    body = []
    for modality in MODALITIES:
        cells = {m: results.get((m, modality)) for m in METHODS}
        if not any(cells.values()):
            continue
        name = MODALITY_NAMES[modality]
        for key, label, rule in METRIC_ROWS:
            if keys is not None and key not in keys:
                continue
            values = {m: _value(r, key) for m, r in cells.items()}
            real_vals = [
                _value(r, f'{key}_real') for r in cells.values() if r
            ]
            real = next((v for v in real_vals if v is not None), None)
            best = best_methods(values, rule, real)
            line = [name, label, 'ours']
            for m in METHODS:
                text = _fmt(key, values[m], cells[m])
                line.append(bold.format(text) if m in best else text)
            line.append(_FORMATS[key].format(real) if real is not None
                        else '')
            body.append(line)
            reported = REPORTED.get(modality, {}).get(key)
            if reported and with_reported:
                rule_paper = 'max' if key == 'ms_ssim' else 'min'
                best_p = best_methods(dict(reported), rule_paper)
                line = [name, label, 'reported']
                for m in METHODS:
                    text = (_FORMATS[key].format(reported[m])
                            if m in reported else NOT_RUN)
                    line.append(bold.format(text) if m in best_p else text)
                line.append('')
                body.append(line)
    return body


def _header() -> List[str]:
    return ['Modality', 'Metric', 'Source'] + [
        METHOD_NAMES[m] for m in METHODS
    ] + ['real']


def _notes(results: Dict[Tuple[str, str], dict]) -> List[str]:
    """Protocol and n/a explanations, from the rows themselves."""
    notes = []
    protocols = {json.dumps(r.get('protocol', {}), sort_keys=True)
                 for r in results.values()}
    for p in sorted(protocols):
        notes.append(f'Protocol: {p}')
    reasons = sorted({r['metrics'].get('fid_note') for r in results.values()
                      if r['metrics'].get('fid_note')})
    notes += [f'FID/KID n/a: {reason}' for reason in reasons]
    notes.append(LEGEND)
    return notes


def render(results: Dict[Tuple[str, str], dict],
           fmt: str = 'text') -> str:
    """Table 1 as text (terminal), Markdown or CSV.

    Args:
        results (dict): (method, modality) -> result row.
        fmt (str): ``'text'``, ``'markdown'`` or ``'csv'``.

    Returns:
        str: The table with its notes (CSV: the table only).
    """
    if fmt == 'csv':
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator='\n')
        writer.writerow(_header())
        writer.writerows(_table(results, '{}'))
        return buf.getvalue()
    if fmt == 'markdown':
        body = _table(results, '**{}**')
        table = tabulate(body, _header(), tablefmt='github',
                         disable_numparse=True)
        return table + '\n\n' + '\n'.join(f'- {n}'
                                          for n in _notes(results)) + '\n'
    if fmt == 'text':
        body = _table(results, '{}*')
        table = tabulate(body, _header(), tablefmt='simple',
                         disable_numparse=True)
        return table + '\n\n' + '\n'.join(_notes(results)) + '\n'
    raise ValueError(f"fmt must be 'text', 'markdown' or 'csv', got {fmt!r}")


def summary(results: Dict[Tuple[str, str], dict]) -> str:
    """Markdown of our SWD and MS-SSIM rows only (the README's Table 1):
    best value of a row in bold, no notes."""
    body = [[line[0], line[1]] + line[3:]
            for line in _table(results, '**{}**', ('swd', 'ms_ssim'),
                               with_reported=False)]
    header = _header()
    return tabulate(body, header[:2] + header[3:], tablefmt='github',
                    disable_numparse=True) + '\n'
