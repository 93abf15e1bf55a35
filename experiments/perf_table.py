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
    errors = [f'{k[:-len("_error")]}: {v}' for k, v in res.items()
              if k.endswith('_error')]
    return [
        r['method'], r['size'], _fmt(res.get('fp32')),
        _fmt(res.get('bf16_ratio')), _fmt(res.get('fp16_ratio')),
        _fmt(res.get('channels_last_ratio')), _fmt(res.get('compile_ratio')),
        _fmt(res.get('channels_last+compile_ratio')),
        _fmt(res.get('compile_warmup_s'), 0),
        res.get('skipped', res.get('error', '; '.join(errors)))
    ]


def _threads_row(r, res):
    one, two = res.get('one_job_1_thread'), res.get('one_job_2_threads')
    pair = res.get('two_jobs_1_thread')
    return [
        r['method'], r['size'], _fmt(one), _fmt(two),
        _fmt(two / one if one and two else None), _fmt(pair),
        _fmt(pair / one if one and pair else None), res.get('error', '')
    ]


def _curves_rows(r, res):
    opts = res.get('options')
    if not opts:
        return [[r['method'], 'all', 'n/a', 'n/a', 'n/a', 'n/a',
                 res.get('error', '')]]
    return [[r['method'], name, _fmt(o['deviation'], 3),
             _fmt(o['seed_deviation'], 3), _fmt(o['ratio']),
             _fmt(o.get('wall_s'), 0), ', '.join(o['losses'])]
            for name, o in opts.items()]


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
    'amp': ('Training options (images/s ratio to fp32)',
            'All options of a row measured in one process, one after '
            'another. compile: `torch.compile` (inductor) of every generator '
            'and discriminator; its warm-up (the compilation, once per run) '
            'is the seconds column; n/a: not measured in that run, or the '
            'option failed (note).',
            ['method', 'px', 'fp32 images/s', 'bf16', 'fp16',
             'channels_last', 'compile', 'channels_last+compile',
             'compile warm-up s', 'note'], _amp_row),
    'threads': ('How to spend the cores (images/s)',
                'One training job with 1 and 2 intra-op threads, and two '
                '1-thread jobs side by side (their sum): the second core is '
                'worth more as a second job when the last ratio beats the '
                'first.',
                ['method', 'px', '1 job x 1 thread', '1 job x 2 threads',
                 'ratio', '2 jobs x 1 thread (sum)', 'ratio', 'note'],
                _threads_row),
    'curves': ('Loss curves against fp32 (same seed) and the seed spread',
               "Each option's logged losses (means over 10 iterations) "
               'against the fp32 run from the same seed: mean absolute gap '
               'relative to the fp32 values, the largest over the losses; '
               'seed spread = the same for an fp32 run from seed 1; ratio '
               '< 1: the option moves training less than a new seed '
               '(experiments/perf_curves.py).',
               ['method', 'option', 'gap to fp32', 'seed spread', 'ratio',
                'run s', 'losses'], _curves_rows),
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


# parts whose row function gives a list of table rows
MULTI_ROW = ('curves', )


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
        body = []
        for r in chosen:
            out = row_fn(r, r['result'])
            body += out if part in MULTI_ROW else [out]
        lines.append(tabulate(body, headers=headers, tablefmt='github'))
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
