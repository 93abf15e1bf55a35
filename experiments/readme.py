"""Every generated table of the repository, rendered from its results file.

The results folders' tables (``table.md``, ``table.csv``) and the README's
result blocks, each written between the lines
``<!-- BEGIN GENERATED name -->`` and ``<!-- END GENERATED name -->``, come
from ``benchmarks/results/*/results.jsonl`` alone. ``benchmarks/tables.py``
writes them; ``tests/test_readme_tables.py`` fails when a committed one
differs from what its results file gives.
"""
import os.path as osp
import re
from typing import Callable, Dict, List

from experiments import perf_table
from experiments.runner import REPO
from experiments.table1 import table as table1
from experiments.table2 import table as table2

__all__ = ['README', 'RESULTS', 'readme_blocks', 'result_tables', 'stale',
           'update_readme', 'write_all']

README = osp.join(REPO, 'README.md')
RESULTS = osp.join(REPO, 'benchmarks', 'results')
BEGIN, END = '<!-- BEGIN GENERATED {} -->', '<!-- END GENERATED {} -->'


def _rows(folder: str, load: Callable[[str], object]):
    return load(osp.join(RESULTS, folder, 'results.jsonl'))


def result_tables() -> Dict[str, str]:
    """``{path under benchmarks/results: text}`` of each results folder's
    rendered tables."""
    out = {}
    for preset in ('cpu', 'smoke'):
        res = _rows(f'table1_{preset}', table1.load_results)
        out[f'table1_{preset}/table.md'] = table1.render(res, 'markdown')
        out[f'table1_{preset}/table.csv'] = table1.render(res, 'csv')
    for preset in ('cpu', 'native_cpu'):
        out[f'table2_{preset}/table.md'] = table2.render(
            _rows(f'table2_{preset}', table2.load_results), 'markdown')
    out['perf_cpu/table.md'] = perf_table.render(
        _rows('perf_cpu', perf_table.load_results)) + '\n'
    return out


def _table2_block(preset: str) -> str:
    """The README's Table 2 of ``preset``: our rows, and a link to the
    full table."""
    folder = f'benchmarks/results/table2_{preset}'
    return (table2.summary(_rows(f'table2_{preset}', table2.load_results)) +
            f'\nMean ± std over seeds; the paper\'s values, paired '
            f'differences against `none` and the protocol: '
            f'[`{folder}/table.md`]({folder}/table.md).\n')


TAGS = {
    '(p1)': 'one training seed under the first protocol, whose `real` '
            'column is one half of the real set against the other in file '
            'order (a split by class folder for chest X-ray and brain MRI, '
            '`docs/metrics.md`)',
    '(p2)': 'three seeds, trained before DiffAugment, anti-aliased '
            'progressive reals and pair augmentation (the training recipe '
            'of protocol 3)'}


def table1_legend(table: str) -> str:
    """The meaning of each earlier-protocol tag that ``table`` shows (a
    tag no cell carries is not explained)."""
    return ''.join(f' "{tag}": {text}.' for tag, text in TAGS.items()
                   if tag in table)


def readme_blocks() -> Dict[str, str]:
    """``{block name: Markdown}`` of the README's result blocks."""
    t1 = 'benchmarks/results/table1_cpu'
    perf = 'benchmarks/results/perf_cpu'
    table = table1.summary(_rows('table1_cpu', table1.load_results))
    legend = table1_legend(table)
    return {
        'table1-cpu':
        table +
        f'\nSWD x1e3 (lower is better), MS-SSIM (closest to `real` is '
        f'better), FRD v1 (2D) and copy rate where measured; mean ± sd over '
        f'training seeds, best in bold.{legend} The paper\'s values, '
        f'per-level SWD, FID/KID and the protocol: '
        f'[`{t1}/table.md`]({t1}/table.md).\n',
        'table2-native-cpu': _table2_block('native_cpu'),
        'table2-cpu': _table2_block('cpu'),
        'perf-cpu':
        perf_table.summary(_rows('perf_cpu', perf_table.load_results)) +
        f'\nTraining images/s at batch 16 on this 2-core CPU; memory, stage '
        f'overhead, data loading and metric cost: '
        f'[`{perf}/table.md`]({perf}/table.md).\n',
    }


def _span(text: str, name: str) -> re.Match:
    m = re.search(
        re.escape(BEGIN.format(name)) + r'\n(.*?)' +
        re.escape(END.format(name)), text, re.S)
    if m is None:
        raise ValueError(f'README.md has no block {BEGIN.format(name)} ... '
                         f'{END.format(name)}; add the two marker lines')
    return m


def update_readme(text: str, blocks: Dict[str, str]) -> str:
    """``text`` with each block's lines replaced by ``blocks[name]``."""
    for name, body in blocks.items():
        m = _span(text, name)
        text = text[:m.start(1)] + body + text[m.end(1):]
    return text


def stale() -> List[str]:
    """Files (and README blocks) that differ from their results files."""
    return _stale(result_tables(), readme_blocks())


def _stale(tables: Dict[str, str], blocks: Dict[str, str]) -> List[str]:
    out = []
    for rel, text in tables.items():
        path = osp.join(RESULTS, rel)
        if not osp.isfile(path) or open(path).read() != text:
            out.append(f'benchmarks/results/{rel}')
    readme = open(README).read()
    for name, body in blocks.items():
        if _span(readme, name).group(1) != body:
            out.append(f'README.md block {name}')
    return out


def write_all() -> List[str]:
    """Write every generated table; returns what changed."""
    tables, blocks = result_tables(), readme_blocks()  # rendered once
    changed = _stale(tables, blocks)
    for rel, text in tables.items():
        with open(osp.join(RESULTS, rel), 'w') as f:
            f.write(text)
    readme = open(README).read()
    with open(README, 'w') as f:
        f.write(update_readme(readme, blocks))
    return changed
