"""benchmarks/perf.py and experiments.perf: sizing, stage comparison,
loader and metric timing on generated images (tiny sizes, a few steps)."""
import json
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from experiments import perf, perf_cells
from experiments.table1.presets import METHODS
from mmskr.engine.runner_utils import amp_optim_wrapper_cfg
from training_runs import load_cli

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _bench():
    return load_cli('benchmarks/perf.py')


@pytest.fixture
def data_root(fake_data_root, monkeypatch):  # noqa: F811
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    return fake_data_root


@pytest.mark.parametrize('method', METHODS)
def test_model_cfg_at_size_generates_that_size(method):
    cfg = Config.fromfile(f'configs/{method}/{method}_cpu_lungct.py')
    model_cfg = perf.model_cfg_at_size(cfg.model, 32)
    model, _ = perf.build_model_and_optim(model_cfg, cfg.optim_wrapper)
    perf.finish_progressive_schedule(model)  # no-op for DCGAN-likes
    model.eval()
    with torch.no_grad():
        out = model(dict(num_batches=2, sample_model='orig'))
    assert tuple(out[0].fake_img.shape) == (1, 32, 32)  # lung CT is grey


def test_model_cfg_at_size_refuses_bad_sizes():
    cfg = Config.fromfile('configs/dcgan/dcgan_cpu_lungct.py')
    with pytest.raises(ValueError, match='power of two'):
        perf.model_cfg_at_size(cfg.model, 48)


def test_progressive_sizes_extend_the_schedule():
    cfg = Config.fromfile('configs/skrgan/skrgan_cpu_lungct.py')
    m = perf.model_cfg_at_size(cfg.model, 128)
    assert list(m.sketch_gan.nkimgs_per_scale) == [
        '4', '8', '16', '32', '64', '128']
    assert m.sketch_gan.nkimgs_per_scale['128'] == \
        cfg.model.sketch_gan.nkimgs_per_scale['64']
    assert m.renderer.generator.num_down == 7
    small = perf.model_cfg_at_size(cfg.model, 16)
    assert list(small.sketch_gan.nkimgs_per_scale) == ['4', '8', '16']


def test_finish_progressive_schedule_trains_last_stage(data_root):
    cfg = Config.fromfile('configs/skrgan/skrgan_cpu_lungct.py')
    model_cfg = perf.model_cfg_at_size(cfg.model, 32)
    model, optim = perf.build_model_and_optim(model_cfg, cfg.optim_wrapper)
    perf.finish_progressive_schedule(model)
    real = perf.real_batch(cfg, 32, batch_size=4)
    assert real['gt_img'].shape == (4, 1, 32, 32)  # lung CT is grey
    assert real['gt_sketch'].shape == (4, 1, 32, 32)
    data = perf.samples_data(**real)
    logs = model.train_step(data, optim)
    assert logs['curr_scale'] == 32 and logs['transition_weight'] == 1.


def test_amp_optim_wrapper_cfg_converts_every_wrapper():
    for path, n in (('configs/skrgan/skrgan_cpu_lungct.py', 4),
                    ('configs/dcgan/dcgan_cpu_lungct.py', 2)):
        cfg = Config.fromfile(path)
        amp = amp_optim_wrapper_cfg(cfg.optim_wrapper, 'bfloat16')
        text = json.dumps(amp.to_dict() if hasattr(amp, 'to_dict') else amp)
        assert text.count('AmpOptimWrapper') == n
        assert text.count('bfloat16') == n
        assert 'AmpOptimWrapper' not in json.dumps(cfg.optim_wrapper)
    single = amp_optim_wrapper_cfg(
        dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))
    assert single['type'] == 'AmpOptimWrapper'


def test_cells_measure_steps_stages_loader_and_metrics(data_root):
    bench = _bench()
    base = dict(device='cpu', batch=4, warmup=1, blocks=2, threads=1)
    cfg = bench.config_for('skrgan', 'cpu', 'lungct')
    train = perf_cells.cell_train(dict(base, method='wgan', size=16,
                                  config=bench.config_for(
                                      'wgan', 'cpu', 'lungct')))
    assert train['images_per_s'] == pytest.approx(
        4 / train['seconds_per_iter'])
    assert len(train['seconds_per_iter_all']) == 2
    assert train['peak_mem_mib'] > 100 and train['params_m'] > 0
    acgan = perf_cells.cell_train(dict(base, method='acgan', size=16,
                                  config=bench.config_for(
                                      'acgan', 'cpu', 'lungct')))
    assert acgan['seconds_per_iter'] > 0
    stages = perf_cells.cell_stages(dict(base, size=32, config=cfg, rounds=1))
    assert set(stages['seconds_per_iter']) == {
        'skrgan_sketch', 'mmagic_pggan', 'skrgan_render', 'mmagic_pix2pix'}
    assert stages['sketch_ratio'] == pytest.approx(
        stages['seconds_per_iter']['skrgan_sketch'] /
        stages['seconds_per_iter']['mmagic_pggan'])
    data = perf_cells.cell_data(dict(base, size=16, batches=2, config=cfg,
                                num_workers=0))
    assert data['images_per_s'] > 0 and data['num_workers'] == 0
    ev = perf_cells.cell_eval(dict(base, num_fake=6, config=cfg))
    assert ev['num_fake'] == 6 and ev['num_real'] == 8
    assert ev['swd_seconds'] > 0 and ev['ms_ssim_seconds'] > 0
    if ev['fid_kid_seconds'] is None:
        assert 'n/a' in ev['fid_note']
    amp = perf_cells.cell_amp(dict(base, method='dcgan', size=16,
                              config=bench.config_for(
                                  'dcgan', 'cpu', 'lungct'),
                              options=['fp32', 'bf16', 'channels_last']))
    assert amp['fp32'] > 0 and amp['bf16'] > 0 and amp['channels_last'] > 0
    assert amp['bf16_ratio'] == pytest.approx(amp['bf16'] / amp['fp32'])
    if not torch.cuda.is_available():
        assert 'fp16' not in amp  # no float16 autocast on a CPU
    assert 'compile' not in amp  # not among the cell's options


def test_main_writes_json_lines_and_markdown(data_root, tmp_path):
    bench = _bench()
    out = tmp_path / 'res'
    rc = bench.main(['--data-root', data_root, '--parts', 'train', 'eval',
                     '--methods', 'dcgan', '--sizes', '16', '--batch', '4',
                     '--blocks', '1', '--warmup', '1', '--num-fake', '4',
                     '--threads', '1', '--out', str(out)])
    assert rc == 0
    rows = [json.loads(x) for x in open(out / 'results.jsonl')]
    assert [r['part'] for r in rows] == ['train', 'eval']
    assert rows[0]['result']['images_per_s'] > 0, rows[0]
    assert rows[0]['machine']['cpu_count'] == os.cpu_count()
    md = open(out / 'table.md').read()
    assert '| dcgan' in md and 'Metric cost' in md
    assert 'python benchmarks/perf.py' in md


@pytest.mark.parametrize('method,names', [
    ('dcgan', ['generator', 'discriminator']),
    ('skrgan', ['sketch_gan.generator', 'sketch_gan.discriminator',
                'renderer.generators.image',
                'renderer.discriminators.image']),
])
def test_compile_option_compiles_the_trained_networks_only(method, names):
    """``--options compile`` wraps each generator and discriminator (SkrGAN's
    nested ones included) in torch.compile, not the EMA copies; compilation
    itself is lazy (first call), so this costs no compile time."""
    cfg = Config.fromfile(f'configs/{method}/{method}_cpu_lungct.py')
    model_cfg = perf.model_cfg_at_size(cfg.model, 32)
    model, optim = perf.build_model_and_optim(model_cfg, cfg.optim_wrapper,
                                              compile=True)
    compiled = [n for n, m in model.named_modules()
                if getattr(m, '_compiled_call_impl', None) is not None]
    assert sorted(compiled) == sorted(names)
    assert not any('ema' in n for n in compiled)
    # the optimisers still hold the networks' own parameters
    gen = model.get_submodule(names[0])
    held = {id(p) for g in optim[names[0].split('.')[0]].param_groups
            for p in g['params']} if method == 'dcgan' else None
    if held is not None:
        assert {id(p) for p in gen.parameters()} <= held


def test_run_cells_side_by_side_report_each_failure():
    """Two cells run as two interpreters at once; a cell that fails becomes
    an error row naming the failure instead of stopping the benchmark."""
    rows = perf_cells.run_cells([dict(part='no_such_part'),
                                 dict(part='no_such_part')], 120,
                                dict(os.environ))
    assert len(rows) == 2
    for row in rows:
        assert 'no_such_part' in row['error'] and row['returncode'] != 0


def test_threads_table_ratios():
    from experiments.perf_table import render
    row = dict(time='t', part='threads', method='dcgan', size=64,
               command='c', machine={}, widths='cpu',
               result=dict(one_job_1_thread=10.0, one_job_2_threads=15.0,
                           two_jobs_1_thread=18.0))
    text = render([row])
    line = next(x for x in text.splitlines() if x.startswith('| dcgan'))
    cells = [c.strip() for c in line.strip('|').split('|')]
    assert [float(c) for c in cells[2:7]] == [10, 15, 1.5, 18, 1.8]
