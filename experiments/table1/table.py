"""Render Table 1 from the harness's JSON lines.

Every number comes from a result row a run wrote (``results.jsonl``, one
row per cell and training seed; the newest row of a (cell, seed) wins); the
paper's values are shown on their own rows, labelled ``reported``. A cell
shows the mean +- sd over its training seeds under the newest protocol
version its rows have (rows of protocol 1 are single-seed and carry no
FRD or memorisation values).
"""
import csv
import io
import json
import math
from typing import Dict, List, Optional, Tuple

from tabulate import tabulate

from mmskr.utils.json_lines import newest_json_lines
from .presets import METHOD_NAMES, METHODS, modality_name, table_modalities
from .reported import REPORTED, REPORTED_SOURCE

__all__ = [
    'METRIC_ROWS', 'best_methods', 'cell_rows', 'load_results', 'render',
    'summary'
]

NA = 'n/a'
NOT_RUN = '-'
Results = Dict[Tuple[str, str, Optional[int]], dict]

# (result key, row label, how the best value of a row is chosen, format)
#   'min': lowest wins; 'real': closest to the real reference wins;
#   None: a diagnostic, nothing marked.
METRIC_ROWS: Tuple[Tuple[str, str, Optional[str], str], ...] = (
    ('swd', 'SWD x1e3 (lower better)', 'min', '{:.2f}'),
    ('swd_levels', 'SWD per level, high to low res.', None, '{:.0f}'),
    ('ms_ssim', 'MS-SSIM (closest to real better)', 'real', '{:.3f}'),
    ('diversity_kept', 'diversity kept (< 0.33: collapsed)', None, '{:.2f}'),
    ('frd', 'FRD v1 (2D) (lower better)', 'min', '{:.2f}'),
    ('fid', 'FID (lower better)', 'min', '{:.2f}'),
    ('kid', 'KID x1e3 (lower better)', 'min', '{:.2f}'),
    ('copy_rate', 'copy rate (memorisation)', None, '{:.2f}'),
    ('nn_ratio', 'NN distance / real NN distance', None, '{:.2f}'),
)
_FORMATS = {key: fmt for key, _, _, fmt in METRIC_ROWS}
_PAPER_KEYS = ('swd', 'ms_ssim', 'fid')
LEGEND = (
    'Values are mean ± sd over the training seeds (their count in the '
    '"training seeds" row; "(pN)" marks a cell of protocol version N, '
    'older than the table\'s newest: 1, one training seed; 2, three '
    'seeds, trained without DiffAugment, anti-aliased progressive reals '
    'and pair augmentation). Best value of a row marked with *, in rows '
    'whose cells are of one protocol version only; a method '
    'is best only when it beats the runner-up by more than their combined '
    'sd, else the '
    'tied methods are marked together. SWD: PGGAN protocol (docs/'
    'metrics.md), x1e3, average over pyramid levels (per level on the next '
    'row). MS-SSIM: mean over pairs of generated images, a diversity '
    'measure (lower = more diverse); the best method is the closest to the '
    '"real" column (the paper reads MS-SSIM as higher-is-better, which also '
    'rewards mode collapse). Diversity kept: (1 - MS-SSIM) / (1 - real '
    'MS-SSIM), per seed; below 0.33 the samples are copies of a few images '
    '(benchmarks/results/diversity_check). FRD v1 (2D): Frechet Radiomics '
    'Distance (frd-score), log scale, not FID. The "real" column: the same '
    'measures on random splits of the real set (mean ± sd over the '
    'splits). Copy rate: share of generated images closer to a training '
    'image than the '
    '5th percentile of real-real nearest-neighbour distances; NN ratio: '
    'median nearest-training-image distance of generated images over that '
    'of real images (leave one out); ~1 = as far as real images are from '
    f'each other, ~0 = copies. Reported rows: {REPORTED_SOURCE}; the paper '
    'has no WGAN-GP, KID, FRD or memorisation, and its SWD is on another '
    'scale.')


def load_results(path: str) -> Results:
    """Newest row per (method, modality, training seed) of a JSON-lines
    file (seed None for rows of protocol 1, which had one seed).

    Raises:
        ValueError: a line is not JSON (the file and line are named).
    """
    return newest_json_lines(
        path, lambda r: (r['method'], r['modality'], r.get('seed')))


def _version(row: dict) -> int:
    return int(row.get('protocol', {}).get('version', 1))


def cell_rows(results: Results) -> Dict[Tuple[str, str], List[dict]]:
    """Rows of each (method, modality) under the newest protocol version
    among them, in seed order."""
    cells: Dict[Tuple[str, str], List[dict]] = {}
    for (method, modality, _), row in results.items():
        cells.setdefault((method, modality), []).append(row)
    out = {}
    for key, rows in cells.items():
        newest = max(_version(r) for r in rows)
        rows = [r for r in rows if _version(r) == newest]
        out[key] = sorted(rows, key=lambda r: (r.get('seed') is None,
                                               r.get('seed') or 0))
    return out


def _num(v) -> Optional[float]:
    if isinstance(v, dict):
        v = v.get('avg')
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)


def diversity_kept(metrics: dict) -> Optional[float]:
    """Share of the real images' MS-SSIM diversity the samples keep,
    (1 - ms_ssim) / (1 - ms_ssim_real): 1 = as varied as real images, 0 =
    one image. Below 1/3 the samples are collapsed to a few images
    (``SampleDiversityHook(min_diversity_vs_real=1/3)``, chosen by looking
    at samples, ``benchmarks/results/diversity_check``). None without both
    values."""
    ms, real = _num(metrics.get('ms_ssim')), _num(metrics.get('ms_ssim_real'))
    if ms is None or real is None or real >= 1:
        return None
    return (1 - ms) / (1 - real)


def _value(row: dict, key: str) -> Optional[float]:
    """A row's metric ``key``; ``diversity_kept`` derived from it."""
    if key == 'diversity_kept':
        return diversity_kept(row['metrics'])
    return _num(row['metrics'].get(key))


def _stat(rows: List[dict], key: str) -> Tuple[Optional[float],
                                               Optional[float]]:
    """(mean, sd) of a metric over rows; sd None below two values."""
    vals = [_value(r, key) for r in rows]
    vals = [v for v in vals if v is not None]
    if not vals:
        return None, None
    mean = sum(vals) / len(vals)
    if len(vals) < 2:
        return mean, None
    var = sum((v - mean)**2 for v in vals) / (len(vals) - 1)
    return mean, math.sqrt(var)


def best_methods(values: Dict[str, Optional[float]], rule: str,
                 real: Optional[float] = None,
                 spreads: Optional[Dict[str, Optional[float]]] = None
                 ) -> List[str]:
    """Methods holding the best value of a row.

    The best score wins; a method whose score is within the combined
    spread (its sd plus the best's sd) of it ties and is marked too, so a
    method stands alone only when it beats the runner-up by more than their
    combined spread. Without spreads only exact ties are marked together.

    Args:
        values (dict): method -> value (None = n/a or not run).
        rule (str): ``'min'``, ``'max'`` or ``'real'`` (closest to
            ``real``).
        real (float, optional): Reference for ``'real'``.
        spreads (dict, optional): method -> sd (None or absent = 0).
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
    spreads = spreads or {}
    best = min(score, key=score.get)
    margin = spreads.get(best) or 0.0
    return [
        m for m, s in score.items()
        if math.isclose(s, score[best]) or s - score[best] <= margin +
        (spreads.get(m) or 0.0)
    ]


def _pm(key: str, mean: Optional[float], sd: Optional[float]) -> str:
    text = _FORMATS[key].format(mean)
    return text if sd is None else f'{text} ± {_FORMATS[key].format(sd)}'


def _levels(rows: List[dict]) -> Optional[str]:
    """'232/83/64': mean SWD per pyramid level, high to low resolution."""
    swds = [r['metrics'].get('swd') for r in rows]
    swds = [s for s in swds if isinstance(s, dict)]
    if not swds:
        return None
    levels = sorted((k for k in swds[0] if k != 'avg'), key=int,
                    reverse=True)
    return '/'.join(
        '{:.0f}'.format(sum(s[k] for s in swds) / len(swds)) for k in levels)


def _real_metrics(rows: List[dict], key: str) -> Optional[dict]:
    """Metrics of the newest row (highest protocol) carrying a real
    reference of ``key``; None when no row does."""
    for r in sorted(rows, key=_version, reverse=True):
        if _num(r['metrics'].get(f'{key}_real')) is not None:
            return r['metrics']
    return None


def _real(rows: List[dict], key: str) -> str:
    """The real reference of a metric, as the table shows it."""
    if key == 'swd_levels':
        m = _real_metrics(rows, 'swd')
        return _levels([dict(metrics=dict(swd=m['swd_real']))]) \
            if m and isinstance(m['swd_real'], dict) else ''
    m = _real_metrics(rows, key)
    return _pm(key, _num(m[f'{key}_real']),
               _num(m.get(f'{key}_real_sd'))) if m else ''


def _real_value(rows: List[dict], key: str) -> Optional[float]:
    m = _real_metrics(rows, key)
    return _num(m[f'{key}_real']) if m else None


def _table(results: Results, bold: str,
           keys: Optional[Tuple[str, ...]] = None,
           with_reported: bool = True) -> List[list]:
    """Body rows: [modality, metric, source, *methods, real] of the metrics
    ``keys`` (None: all), with the paper's rows if ``with_reported``."""
    by_cell = cell_rows(results)
    newest = max((_version(rows[0]) for rows in by_cell.values()),
                 default=1)
    body = []
    for modality in table_modalities([d for _, d in by_cell]):
        cells = {m: by_cell.get((m, modality)) for m in METHODS}
        if not any(cells.values()):
            continue
        name = modality_name(modality)
        every = [r for rows in cells.values() if rows for r in rows]
        # a best is marked only among cells of one protocol version
        one_version = len({_version(rows[0])
                           for rows in cells.values() if rows}) == 1
        body.append([name, 'training seeds', 'ours'] + [
            NOT_RUN if not cells[m] else
            f'{len(cells[m])}' + (f' (p{_version(cells[m][0])})'
                                  if _version(cells[m][0]) < newest
                                  else '') for m in METHODS
        ] + [''])
        for key, label, rule, _ in METRIC_ROWS:
            if keys is not None and key not in keys:
                continue
            line = [name, label, 'ours']
            if key == 'swd_levels':
                line += [NOT_RUN if not cells[m] else _levels(cells[m]) or NA
                         for m in METHODS]
                body.append(line + [_real(every, key)])
                continue
            stats = {m: _stat(cells[m], key) if cells[m] else (None, None)
                     for m in METHODS}
            best = best_methods({m: v[0] for m, v in stats.items()}, rule,
                                _real_value(every, key),
                                {m: v[1] for m, v in stats.items()}) \
                if rule and one_version else []
            for m in METHODS:
                if not cells[m]:
                    text = NOT_RUN
                elif stats[m][0] is None:
                    text = NA if any(key in r['metrics']
                                     for r in cells[m]) else NOT_RUN
                else:
                    text = _pm(key, *stats[m])
                line.append(bold.format(text) if m in best else text)
            body.append(line + [_real(every, key)])
            reported = REPORTED.get(modality, {}).get(key)
            if reported and with_reported and key in _PAPER_KEYS:
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


def _notes(results: Results) -> List[str]:
    """Protocol and n/a explanations, from the rows themselves."""
    notes = []
    rows = [r for cell in cell_rows(results).values() for r in cell]
    protocols = {json.dumps(r.get('protocol', {}), sort_keys=True)
                 for r in rows}
    for p in sorted(protocols):
        notes.append(f'Protocol: {p}')
    refs = sorted({f'{modality_name(r["modality"])}: '
                   f'{r["metrics"]["reference_note"]}' for r in rows
                   if r['metrics'].get('reference_note')})
    if refs:
        notes.append('Real reference: ' + '; '.join(refs))
    for key, what in (('fid_note', 'FID/KID n/a'), ('frd_note', 'FRD n/a')):
        reasons = sorted({r['metrics'].get(key) for r in rows
                          if r['metrics'].get(key)})
        notes += [f'{what}: {reason}' for reason in reasons]
    notes.append(LEGEND)
    return notes


def render(results: Results, fmt: str = 'text') -> str:
    """Table 1 as text (terminal), Markdown or CSV.

    Args:
        results (dict): (method, modality, seed) -> result row.
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


def summary(results: Results) -> str:
    """Markdown of our rows of the main measures only (the README's Table
    1): best value of a row in bold, no notes."""
    body = [[line[0], line[1]] + line[3:]
            for line in _table(results, '**{}**',
                               ('swd', 'ms_ssim', 'diversity_kept', 'frd',
                                'copy_rate'),
                               with_reported=False)
            if any(cell != NOT_RUN for cell in line[3:-1])]
    header = _header()
    return tabulate(body, header[:2] + header[3:], tablefmt='github',
                    disable_numparse=True) + '\n'
