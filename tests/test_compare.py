"""benchmarks/compare.py end to end on generated images (smoke preset)."""
import json
import os
import os.path as osp
import subprocess
import sys

from training_runs import load_cli

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
COMPARE = osp.join(REPO, 'benchmarks', 'compare.py')


def _compare_main():
    """benchmarks/compare.py's main(argv), run in-process."""
    return load_cli('benchmarks/compare.py').main


def _compare(data_root, work, results, *extra):
    cmd = [
        sys.executable, COMPARE, '--preset', 'smoke', '--data-root',
        data_root, '--work-dir', work, '--results-dir', results, *extra
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def test_smoke_cells_train_evaluate_render_and_reuse(fake_data_root,
                                                     tmp_path, capsys):
    work, results = str(tmp_path / 'work'), str(tmp_path / 'results')
    res = _compare(fake_data_root, work, results, '--only', 'skrgan/lungct')
    assert res.returncode == 0, res.stderr[-3000:]
    rows = [json.loads(line) for line in open(osp.join(results,
                                                       'results.jsonl'))]
    assert [(r['method'], r['modality']) for r in rows] == [
        ('skrgan', 'lungct')]
    for r in rows:
        m = r['metrics']
        assert m['swd']['avg'] > 0 and set(m['swd']) == {'64', '32', '16',
                                                         'avg'}
        assert 0 < m['ms_ssim'] <= 1 and 0 < m['ms_ssim_real'] <= 1
        assert m['fid'] is None and 'inception-2015-12-05.pt' in \
            m['fid_note']
        assert r['iters'] == 4 and r['protocol']['num_fake'] == 16
        assert r['seed'] == 0 and r['protocol']['version'] == 3
        assert 0 <= m['copy_rate'] <= 1 and m['nn_ratio'] > 0
        assert m['frd'] is None and 'not computed' in m['frd_note']
        assert m['swd_real_sd']['avg'] >= 0  # 2 reference splits
        # the row names the code that computed it
        head = subprocess.run(['git', '-C', REPO, 'rev-parse', 'HEAD'],
                              capture_output=True, text=True).stdout.strip()
        assert r['machine']['code']['commit'] == head
        assert isinstance(r['machine']['code']['dirty'], bool)
    # the table printed and written holds our numbers and the reported ones
    swd = f"{rows[0]['metrics']['swd']['avg']:.2f}"
    assert swd in res.stdout and 'reported' in res.stdout
    md = open(osp.join(results, 'table.md')).read()
    assert swd in md and '| Lung CT' in md
    assert osp.getsize(osp.join(results, 'samples.png')) > 1000
    assert '[1/1] skrgan/lungct' in res.stderr  # progress on stderr

    # finished cells are reused: nothing trained or evaluated again
    capsys.readouterr()
    assert _compare_main()([  # in-process: no second interpreter start
        '--preset', 'smoke', '--data-root', fake_data_root, '--work-dir', work,
        '--results-dir', results, '--only', 'skrgan/lungct']) == 0
    err = capsys.readouterr().err
    assert 'reused 4 iterations' in err and 'evaluation reused' in err
    assert len(open(osp.join(results, 'results.jsonl')).readlines()) == 1

    # on a fresh clone (no work dirs) --skip-landed trusts the landed row
    fresh = str(tmp_path / 'fresh')
    assert _compare_main()([
        '--preset', 'smoke', '--data-root', fake_data_root, '--work-dir',
        fresh, '--results-dir', results, '--only', 'skrgan/lungct',
        '--skip-landed']) == 0
    assert 'skrgan/lungct/seed0: landed in' in capsys.readouterr().err
    assert not osp.exists(fresh)
    assert len(open(osp.join(results, 'results.jsonl')).readlines()) == 1

    assert _compare_main()(['--leaderboard', '--results-dir', results]) == 0
    assert swd in capsys.readouterr().out


def test_bad_data_root_is_a_clear_error(tmp_path, capsys):
    rc = _compare_main()(['--data-root', str(tmp_path / 'missing'),
                          '--work-dir', str(tmp_path / 'w'),
                          '--results-dir', str(tmp_path / 'r')])
    err = capsys.readouterr().err
    assert rc == 2
    assert 'is not a folder' in err and 'MMSKR_DATA_ROOT' in err


def test_sample_grid_keeps_tiles_of_cells_not_on_this_machine(tmp_path):
    import numpy as np

    from experiments.table1 import harness
    from experiments.table1.cells import cell_dir
    from experiments.table1.presets import PRESETS
    preset = PRESETS['smoke']
    work = str(tmp_path)
    cell = cell_dir(work, preset, 'pggan', 'lungct', preset.train_seeds[0])
    os.makedirs(cell)
    np.save(osp.join(cell, 'eval_samples.npy'),
            np.full((4, 3, 64, 64), 200, np.uint8))
    fresh = harness.sample_grid(work, preset)
    side = harness.GRID_CELL * 2 + 2
    top, left = harness.GRID_HEADER, harness.GRID_LABEL
    y, x = top + 2 * side, left + 5 * side  # lung CT row, PGGAN column
    assert (fresh[y:y + 256, x:x + 256] == 200).all()
    sky, skx = top, left  # fundus row, SkrGAN column: no samples, grey
    assert (fresh[sky:sky + side, skx:skx + side] == 230).all()

    previous = np.full_like(fresh, 7)
    kept = harness.sample_grid(work, preset, previous)
    assert (kept[sky:sky + side, skx:skx + side] == 7).all()  # kept
    assert (kept[y:y + 256, x:x + 256] == 200).all()  # replaced
    assert (kept[:top] != 7).any()  # header drawn anew
    other = harness.sample_grid(work, preset, previous[:-1])  # wrong layout
    assert (other[sky:sky + side, skx:skx + side] == 230).all()


def test_grid_is_drawn_anew_from_several_work_dirs(tmp_path, capsys):
    """``compare.py --grid A B``: each tile from the first work dir holding
    the cell's first seed's samples (else the lowest seed's, captioned),
    the old grid's tiles dropped, grey cells named."""
    import json

    import cv2
    import numpy as np

    from experiments.table1 import harness
    from experiments.table1.cells import cell_dir
    from experiments.table1.presets import PRESETS
    preset = PRESETS['cpu']
    results = tmp_path / 'r'
    results.mkdir()
    row = dict(preset='cpu', method='pggan', modality='lungct', seed=0,
               metrics=dict(swd=dict(avg=1.0)))
    (results / 'results.jsonl').write_text(json.dumps(row) + '\n')
    side = harness.GRID_CELL * 2 + 2
    stale = np.full((harness.GRID_HEADER + 4 * side,
                     harness.GRID_LABEL + 6 * side, 3), 7, np.uint8)
    cv2.imwrite(str(results / 'samples.png'), stale)
    roots = [str(tmp_path / 'a'), str(tmp_path / 'b')]
    for root, method, seed, value in [(roots[0], 'pggan', 0, 200),
                                      (roots[1], 'pggan', 0, 100),
                                      (roots[1], 'dcgan', 0, 50),
                                      (roots[0], 'wgan', 2, 90),
                                      (roots[1], 'wgan', 1, 80)]:
        cell = cell_dir(root, preset, method, 'lungct', seed)
        os.makedirs(cell)
        np.save(osp.join(cell, 'eval_samples.npy'),
                np.full((4, 3, 64, 64), value, np.uint8))
    argv = ['--preset', 'cpu', '--results-dir', str(results), '--grid']
    assert _compare_main()(argv + roots) == 0
    grid = cv2.imread(str(results / 'samples.png'))
    top, left = harness.GRID_HEADER, harness.GRID_LABEL
    y = top + 2 * side  # lung CT row
    assert (grid[y:y + 256, left + 5 * side:][:, :256] == 200).all()  # a
    assert (grid[y:y + 256, left + side:][:, :256] == 50).all()  # b
    # no seed 0: the lowest seed found, captioned on a white strip
    wgan = grid[y:y + side, left + 3 * side:][:, :256]
    assert (wgan[:side - 18] == 80).all()
    assert (wgan[side - 18:] == 255).mean() > 0.8
    assert (wgan[side - 18:] < 128).any()  # the caption's text
    assert (grid[top:top + side, left:left + side] == 230).all()  # not 7
    err = capsys.readouterr().err
    assert 'skrgan/fundus' in err and 'pggan/lungct' not in err
    assert 'wgan/lungct' not in err
    # nothing found: the grid is left as it was, exit 1
    assert _compare_main()(argv + [str(tmp_path / 'none')]) == 1
    assert (cv2.imread(str(results / 'samples.png')) == grid).all()


def test_cfg_options_reach_training_evaluation_and_the_protocol():
    """``compare.py --cfg-options`` become the preset's ``overrides``: in
    the training command (lists without quotes, as mmengine's DictAction
    reads them back), in the protocol (so older evaluations are not
    reused) and nowhere when absent."""
    import argparse
    from mmengine.config import DictAction
    from experiments.table1.cells import cli_value
    from experiments.table1.metrics import protocol_dict
    from experiments.table1.presets import PRESETS
    compare = load_cli('benchmarks/compare.py')
    args = compare.parse_args([
        '--cfg-options', 'data_channels=1',
        'diff_augment=color,translation',
        'val_dataloader.dataset.window=[-1000,400]'])
    assert args.cfg_options == {
        'data_channels': 1, 'diff_augment': ['color', 'translation'],
        'val_dataloader.dataset.window': [-1000, 400]}
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='+', action=DictAction)
    again = parser.parse_args(
        ['--o'] + [f'{k}={cli_value(v)}' for k, v in args.cfg_options.items()])
    assert again.o == args.cfg_options
    import dataclasses
    preset = PRESETS['smoke']
    assert 'overrides' not in protocol_dict(preset)
    changed = dataclasses.replace(preset, overrides=args.cfg_options)
    assert protocol_dict(changed)['overrides'] == args.cfg_options
    # a cell trained with other config values is never reused
    from experiments.table1.cells import cell_dir
    plain = cell_dir('/w', preset, 'pggan', 'fundus', 10)
    assert plain == '/w/smoke/pggan_fundus/seed10'
    wide = cell_dir('/w', changed, 'pggan', 'fundus', 10)
    assert wide.startswith('/w/smoke+') and wide.endswith('/pggan_fundus/seed10')
    other = dataclasses.replace(preset, overrides={'data_channels': 3})
    assert cell_dir('/w', other, 'pggan', 'fundus', 10) not in (plain, wide)
    same = dataclasses.replace(preset, overrides=dict(
        reversed(list(args.cfg_options.items()))))
    assert cell_dir('/w', same, 'pggan', 'fundus', 10) == wide
