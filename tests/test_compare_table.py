"""Table 1 harness: presets, cell selection and the table renderer."""
import json

import pytest

from experiments.table1 import harness, table
from experiments.table1.presets import (METHODS, MODALITIES, PRESETS,
                                     config_path, parse_only)
from experiments.table1.reported import REPORTED


def _row(method, modality, swd, ms, fid=None, ms_real=0.4):
    return dict(
        preset='smoke', method=method, modality=modality,
        protocol=dict(num_fake=16),
        metrics=dict(swd=dict(avg=swd, **{'16': swd}), ms_ssim=ms,
                     ms_ssim_real=ms_real, fid=fid, kid=None,
                     fid_note=None if fid is not None else
                     'no Inception weights: put inception-2015-12-05.pt in X'))


def test_parse_only_selects_cells_in_table_order():
    assert len(parse_only(None)) == 24
    assert parse_only(['dcgan/lungct']) == [('dcgan', 'lungct')]
    assert parse_only(['skrgan']) == [
        ('skrgan', m) for m in MODALITIES
    ]
    cells = parse_only(['*/fundus,pggan/brainmri', 'skrgan/fundus'])
    assert cells[:len(METHODS)] == [(m, 'fundus') for m in METHODS]
    assert cells[-1] == ('pggan', 'brainmri') and len(cells) == 7
    with pytest.raises(ValueError, match='unknown method'):
        parse_only(['gan/fundus'])
    with pytest.raises(ValueError, match='unknown modality'):
        parse_only(['dcgan/knee'])


def test_every_cell_of_every_preset_has_a_config():
    import os.path as osp
    repo = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for preset in PRESETS.values():
        for method, modality in parse_only(None):
            path = osp.join(repo, config_path(method, modality, preset))
            assert osp.isfile(path), path


def test_best_methods_rules():
    vals = dict(a=3.0, b=1.0, c=None, d=1.0)
    assert table.best_methods(vals, 'min') == ['b', 'd']
    assert table.best_methods(vals, 'max') == ['a']
    assert table.best_methods(vals, 'real', real=2.6) == ['a']
    assert table.best_methods(vals, 'real', real=None) == []
    assert table.best_methods(dict(a=None), 'min') == []


def test_best_is_marked_alone_only_beyond_the_combined_spread():
    vals = dict(a=10.0, b=12.0, c=20.0)
    assert table.best_methods(vals, 'min') == ['a']
    # 12 - 10 = 2 <= 1.5 + 0.5: a and b tie; c is 10 away
    assert table.best_methods(vals, 'min', spreads=dict(a=1.5, b=0.5,
                                                        c=8.0)) == ['a', 'b']
    # 2 > 1.0 + 0.5: a alone
    assert table.best_methods(vals, 'min', spreads=dict(a=1.0, b=0.5)) == [
        'a']
    assert table.best_methods(dict(a=0.50, b=0.30), 'real', real=0.45,
                              spreads=dict(a=0.05, b=0.2)) == ['a', 'b']


def _seed_row(method, seed, swd, frd):
    row = _row(method, 'fundus', swd, 0.5)
    row.update(seed=seed, protocol=dict(version=2, num_fake=16))
    row['metrics'].update(
        frd=frd, copy_rate=0.0, nn_ratio=1.1, swd_real=dict(avg=5.0, **{
            '16': 5.0}), swd_real_sd=dict(avg=1.0, **{'16': 1.0}),
        reference_note='2 random splits of the 20 real images: 10 against 10')
    return row


def test_seeds_give_mean_and_sd_and_replace_a_first_protocol_row(tmp_path):
    path = tmp_path / 'results.jsonl'
    rows = [_row('skrgan', 'fundus', 99.0, 0.5)]  # protocol 1, one seed
    rows += [_seed_row('skrgan', s, v, 6.0 + s)
             for s, v in ((0, 10.0), (1, 12.0), (2, 14.0))]
    rows += [_seed_row('dcgan', 0, 13.0, 9.0)]
    rows += [_row('pggan', 'fundus', 50.0, 0.5)]  # protocol 1 only
    path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    results = table.load_results(str(path))
    assert len(results) == 6
    cells = table.cell_rows(results)
    assert [r['seed'] for r in cells[('skrgan', 'fundus')]] == [0, 1, 2]
    text = table.render(results, 'text')
    line = [x for x in text.splitlines() if 'SWD x1e3' in x and 'ours' in x]
    assert '12.00 ± 2.00' in line[0]  # mean, sample sd over 3 seeds
    assert '*' not in line[0]  # PGGAN's cell is of protocol 1
    assert '99.00' not in text and '50.00' in text
    seeds = [x for x in text.splitlines() if 'training seeds' in x][0]
    assert '3' in seeds and '1 (p1)' in seeds
    # without it, the best is marked among protocol 2's cells
    del results[('pggan', 'fundus', None)]
    line = [x for x in table.render(results, 'text').splitlines()
            if 'SWD x1e3' in x and 'ours' in x]
    assert '12.00 ± 2.00*' in line[0]
    assert '13.00*' in line[0]  # dcgan within 2 + 0 of it: tied
    assert '7.00 ± 1.00' in text  # FRD
    assert '5.00 ± 1.00' in text  # real reference
    assert '10 against 10' in text


def test_a_newer_protocol_replaces_a_cells_rows_and_marks_older_cells(
        tmp_path):
    """Protocol 3 rows of a cell replace its protocol 2 rows (not mixed
    into one mean); a cell with only protocol 2 rows is marked "(p2)"."""
    path = tmp_path / 'results.jsonl'
    rows = [_seed_row('skrgan', s, 100.0 + s, 8.0) for s in (0, 1, 2)]
    rows += [_seed_row('dcgan', s, 200.0, 9.0) for s in (0, 1, 2)]
    for s, v in ((0, 60.0), (1, 62.0)):  # dcgan rerun: 2 seeds so far
        row = _seed_row('dcgan', s, v, 7.0)
        row['protocol']['version'] = 3
        rows.append(row)
    path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    results = table.load_results(str(path))
    assert [r['protocol']['version'] for r in table.cell_rows(results)[
        ('dcgan', 'fundus')]] == [3, 3]
    text = table.render(results, 'text')
    seeds = [x for x in text.splitlines() if 'training seeds' in x][0]
    assert '3 (p2)' in seeds and ' 2 ' in seeds
    assert '61.00 ± 1.41' in text and '200.00' not in text
    # no best is marked across protocol versions
    swd = [x for x in text.splitlines() if 'SWD x1e3' in x and 'ours' in x]
    assert '*' not in swd[0]


def test_render_marks_best_shows_na_and_reported(tmp_path):
    path = tmp_path / 'results.jsonl'
    rows = [
        _row('skrgan', 'lungct', 20.0, 0.42),
        _row('dcgan', 'lungct', 35.0, 0.90),
        _row('dcgan', 'lungct', 30.0, 0.80),  # newer row of the same cell
    ]
    path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    results = table.load_results(str(path))
    assert results[('dcgan', 'lungct', None)]['metrics']['swd']['avg'] == 30.0
    text = table.render(results, 'text')
    assert '20.00*' in text and '30.00' in text and '30.00*' not in text
    assert '0.420*' in text  # closest to the real-pairs 0.400
    assert 'n/a' in text and 'inception-2015-12-05.pt' in text
    assert 'reported' in text
    # the paper's lung CT SWD row, best (SkrGAN) marked
    assert f'{REPORTED["lungct"]["swd"]["skrgan"]:.2f}*' in text
    md = table.render(results, 'markdown')
    assert '**20.00**' in md and md.startswith('| Modality')
    csv_text = table.render(results, 'csv')
    header = csv_text.splitlines()[0].split(',')
    assert header[3:9] == ['SkrGAN', 'DCGAN', 'ACGAN', 'WGAN', 'WGAN-GP',
                           'PGGAN']
    ours = [line.split(',') for line in csv_text.splitlines()
            if line.startswith('Lung CT,SWD') and ',ours,' in line][0]
    assert ours[3:5] == ['20.00', '30.00'] and ours[5] == table.NOT_RUN


def test_diversity_kept_is_derived_per_seed(tmp_path):
    """(1 - MS-SSIM) / (1 - real MS-SSIM) of each seed, then mean ± sd;
    in the README summary too; '-' for a cell without MS-SSIM."""
    path = tmp_path / 'results.jsonl'
    rows = [_seed_row('skrgan', s, 10.0, 6.0) for s in (0, 1)]
    for row, ms in zip(rows, (0.7, 0.9)):
        row['metrics'].update(ms_ssim=ms, ms_ssim_real=0.6)
    rows.append(_seed_row('dcgan', 0, 13.0, 9.0))
    rows[-1]['metrics'].update(ms_ssim=None, ms_ssim_real=0.6)
    path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    results = table.load_results(str(path))
    # seeds: 0.3 / 0.4 = 0.75 and 0.1 / 0.4 = 0.25
    assert table.diversity_kept(rows[0]['metrics']) == pytest.approx(0.75)
    assert table.diversity_kept(rows[2]['metrics']) is None
    for text in (table.render(results, 'text'), table.summary(results)):
        line = [x for x in text.splitlines() if 'diversity kept' in x][0]
        cells = [c.strip() for c in line.replace('|', '  ').split('  ')
                 if c.strip()]
        assert '0.50 ± 0.35' in cells and table.NOT_RUN in cells


def test_load_results_names_a_broken_line(tmp_path):
    path = tmp_path / 'results.jsonl'
    path.write_text(json.dumps(_row('skrgan', 'fundus', 1.0, 0.5)) +
                    '\n{"broken\n')
    with pytest.raises(ValueError, match=r'results.jsonl:2'):
        table.load_results(str(path))


def test_leaderboard_without_results_says_what_to_do(tmp_path, capsys):
    assert harness.leaderboard(str(tmp_path)) == 1
    assert 'run benchmarks/compare.py' in capsys.readouterr().err
