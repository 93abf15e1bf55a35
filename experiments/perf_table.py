"""The tables of ``benchmarks/perf.py``, rendered from its result rows."""
from typing import List, Optional, Sequence

from tabulate import tabulate

from mmskr.utils.json_lines import newest_json_lines

__all__ = ['SECTIONS', 'load_results', 'render', 'summary']


def _fmt(x, digits=2):
    if x is None:
        return 'n/a'
    if isinstance(x, float):
        return f'{x:.{digits}f}'
    return str(x)


def _train_row(r, res):
    return [
        r['method'], r['size'], r['widths'], _fmt(res.get('images_per_s')),
        _fmt(res.get('seconds_per_iter'), 3),
        _fmt(res.get('peak_mem_mib'), 0), _fmt(res.get('params_m'), 2),
        res.get('error', '')
    ]


def _stages_row(r, res):
    s = res.get('seconds_per_iter', {})
    return [
        r['size'], _fmt(s.get('skrgan_sketch'), 4),
        _fmt(s.get('mmagic_pggan'), 4), _fmt(res.get('sketch_ratio'), 3),
        _fmt(s.get('skrgan_render'), 4), _fmt(s.get('mmagic_pix2pix'), 4),
        _fmt(res.get('render_ratio'), 3), res.get('error', '')
    ]


def _amp_row(r, res):
    return [
        r['method'], r['size'], _fmt(res.get('fp32')),
        _fmt(res.get('bf16_ratio')), _fmt(res.get('fp16_ratio')),
        _fmt(res.get('channels_last_ratio')),
        res.get('skipped', res.get('error', ''))
    ]


def _data_row(r, res):
    return [
        r['size'], r.get('modality'), _fmt(res.get('num_workers')),
        _fmt(res.get('cold_images_per_s')), _fmt(res.get('images_per_s')),
        _fmt(r.get('demand')),
        _fmt(r.get('supply_ratio')), res.get('error', '')
    ]


def _eval_row(r, res):
    return [
        r.get('modality'), res.get('size'), res.get('num_fake'),
        res.get('num_real'), _fmt(res.get('swd_seconds')),
        _fmt(res.get('ms_ssim_seconds')), _fmt(res.get('fid_kid_seconds')),
        res.get('fid_note', res.get('error', ''))
    ]


# part: (title, explanation, headers, row function)
SECTIONS = {
    'train': ('Training step (batch 16, real images)',
              'Median over blocks of `discriminator_steps` iterations after '
              'warm-up; memory = peak RSS of the measuring process (CPU) or '
              'max allocated (GPU).',
              ['method', 'px', 'widths', 'images/s', 's/iter', 'peak MiB',
               'params (M)', 'note'], _train_row),
    'stages': ("SkrGAN stages against mmagic's stock models",
               'Same networks, schedule stage, optimisers and batch; the '
               "stock PGGAN is mmagic's RGB `PGGANGenerator` on the sketch "
               'repeated to 3 channels. Ratio = SkrGAN / stock (target <= '
               '1.05).',
               ['px', 'G_S/D_S s/iter', 'mmagic PGGAN s/iter', 'ratio',
                'G_P/D_P s/iter', 'mmagic Pix2Pix s/iter', 'ratio', 'note'],
               _stages_row),
    'amp': ('AMP and channels_last (images/s ratio to fp32)', '',
            ['method', 'px', 'fp32 images/s', 'bf16', 'fp16',
             'channels_last', 'note'], _amp_row),
    'data': ('Data pipeline against the SkrGAN step',
             "Load + SketchDraft (full resolution) + resize + pack, the "
             "config's loader; first epoch (every file decoded) and steady "
             'state (CachedTransforms hits, after num_workers + 1 epochs); '
             'demand = SkrGAN training images/s at the same size from the '
             'table above. Target on the GPU machine at 256 px: supply >= 2x '
             'demand.',
             ['px', 'data set', 'workers', 'first-epoch images/s',
              'steady images/s',
              'SkrGAN step images/s', 'supply / demand', 'note'], _data_row),
    'eval': ('Metric cost (Table 1 protocol)', '',
             ['data set', 'px', 'fake', 'real', 'SWD s', 'MS-SSIM s',
              'FID+KID s', 'note'], _eval_row),
}


def _key(row: dict) -> tuple:
    return tuple(row.get(k) for k in ('part', 'method', 'size', 'modality',
                                      'widths'))


def load_results(path: str) -> List[dict]:
    """The newest row of each measurement (part, method, size, data set,
    widths) in a ``results.jsonl``, in the order first measured ([] if
    none), so a run of some parts updates only those."""
    rows = newest_json_lines(path, _key)
    return list(rows.values())


def render(rows: List[dict], parts: Optional[Sequence[str]] = None,
           header: bool = True) -> str:
    """Markdown of one run's rows: a section per part (``parts``: only
    these); ``header`` adds the title, command, machine and time."""
    lines = []
    if header and rows:
        lines = ['# Performance', '']
        runs = {}
        for r in rows:  # one entry per run (time stamp), in order
            runs.setdefault(r['time'], r)
        for time, r in runs.items():
            parts = sorted({x['part'] for x in rows if x['time'] == time})
            lines += [f'Command: `{r["command"]}`', '',
                      'Machine: ' + ', '.join(
                          f'{k} {v}' for k, v in r['machine'].items()), '',
                      f'Measured {time} (UTC)' + (
                          f'; parts {", ".join(parts)}.'
                          if len(runs) > 1 else '.'), '']
    for part, (title, text, headers, row_fn) in SECTIONS.items():
        chosen = [r for r in rows if r['part'] == part]
        if not chosen or (parts is not None and part not in parts):
            continue
        lines += [f'## {title}', ''] + ([text, ''] if text else [])
        lines.append(tabulate([row_fn(r, r['result']) for r in chosen],
                              headers=headers, tablefmt='github'))
        lines.append('')
    return '\n'.join(lines)


def summary(rows: List[dict]) -> str:
    """Markdown of the training throughput (images/s) of one run, a row per
    method and a column per size (the README's perf table)."""
    train = [r for r in rows if r['part'] == 'train']
    sizes = sorted({r['size'] for r in train})
    methods = list(dict.fromkeys(r['method'] for r in train))
    got = {(r['method'], r['size']): r['result'] for r in train}
    body = []
    for m in methods:
        line = [m]
        for s in sizes:
            res = got.get((m, s))
            line.append('-' if res is None else
                        _fmt(res.get('images_per_s')) if 'error' not in res
                        else 'error')
        body.append(line)
    return tabulate(body, ['images/s'] + [f'{s} px' for s in sizes],
                    tablefmt='github', disable_numparse=True) + '\n'
