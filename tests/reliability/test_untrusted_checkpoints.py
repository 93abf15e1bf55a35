"""Item 1: a checkpoint that carries a pickle payload is refused by every
entry point that loads checkpoints, and nothing in it runs; checkpoints the
project writes load."""
import os
import os.path as osp
import pickle
import shutil

import numpy as np
import pytest
import torch
from reliability_utils import (CONFIG, REPO, load_tool, plant_payload,
                               tiny_argv, train_in_process)

from mmskr.engine.runner_utils import UntrustedCheckpointError


@pytest.fixture(scope='module')
def legit(fake_data_root, tmp_path_factory) -> str:
    """A checkpoint written by a 2-iteration run of the project."""
    work = str(tmp_path_factory.mktemp('legit'))
    with pytest.MonkeyPatch.context() as env:
        env.setenv('MMSKR_DATA_ROOT', fake_data_root)
        train_in_process(tiny_argv(work, 2, ckpt_interval=2))
    return osp.join(work, 'iter_2.pth')


@pytest.fixture
def evil(legit, tmp_path, monkeypatch, fake_data_root):
    """(malicious checkpoint, marker file its payload would create)."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    marker = tmp_path / 'PWNED'
    path = plant_payload(legit, str(tmp_path / 'iter_2.pth'), str(marker))
    yield path, marker
    assert not marker.exists(), 'the payload ran'


def _refused(call, path):
    with pytest.raises(UntrustedCheckpointError) as info:
        call()
    assert path in str(info.value) and 'builtins.exec' in str(info.value)
    assert 'nothing from it was executed' in str(info.value)


def test_payload_is_real_when_unpickled_unsafely(legit, tmp_path):
    """Control: the planted object does run code under plain pickle."""
    marker = tmp_path / 'ran'
    path = plant_payload(legit, str(tmp_path / 'x.pth'), str(marker))
    torch.load(path, weights_only=False)
    assert marker.exists()


def test_project_checkpoint_loads(legit, tmp_path, monkeypatch):
    from mmskr.apis import init_model
    from mmskr.engine.runner_utils import verify_checkpoint
    assert verify_checkpoint(legit) == legit
    state = torch.load(legit, map_location='cpu')  # weights_only=True
    assert state['meta']['iter'] == 2
    model = init_model(CONFIG, legit)
    assert torch.equal(
        model.state_dict()['sketch_gan.shown_nkimg'],
        state['state_dict']['sketch_gan.shown_nkimg'])
    sample = load_tool('tools/sample.py')
    out = tmp_path / 'samples'
    assert sample.main([CONFIG, legit, '--num', '2', '--out', str(out)]) == 0
    assert sorted(os.listdir(out / 'images')) == [
        'image_000000.png', 'image_000001.png'
    ]


def test_train_resume_path_refuses(evil, tmp_path):
    path, _ = evil
    work = str(tmp_path / 'work')
    train = load_tool('tools/train.py')
    _refused(lambda: train.main(tiny_argv(work, 4) + ['--resume', path]),
             path)
    assert not osp.exists(work)  # refused before the Runner was built


def test_train_resume_auto_refuses_planted_file(evil, legit, tmp_path):
    """A tampered file that is the newest in the work dir is refused, not
    skipped over silently."""
    path, _ = evil
    work = tmp_path / 'work'
    work.mkdir()
    shutil.copy(legit, work / 'iter_2.pth')
    planted = str(work / 'iter_3.pth')
    shutil.copy(path, planted)
    train = load_tool('tools/train.py')
    _refused(lambda: train.main(tiny_argv(str(work), 4) + ['--resume']),
             planted)


def test_load_from_refuses(evil, tmp_path):
    path, _ = evil
    train = load_tool('tools/train.py')
    argv = tiny_argv(str(tmp_path / 'work'), 4, f'load_from={path}')
    _refused(lambda: train.main(argv), path)


def test_runner_refuses_without_the_early_check(evil, tmp_path):
    """Defence in depth: the Runner's own load is weights_only as well."""
    from mmengine.runner import Runner
    path, _ = evil
    train = load_tool('tools/train.py')
    cfg = train.build_config(
        train.parse_args(tiny_argv(str(tmp_path / 'work'), 4)))
    cfg.load_from, cfg.resume = path, True
    cfg.experiment_name = 'rel_runner_refuses'
    with pytest.raises(pickle.UnpicklingError, match='exec'):
        Runner.from_cfg(cfg).train()
    assert not osp.exists(osp.join(cfg.work_dir, 'iter_1.pth'))


def test_sample_tool_refuses(evil, tmp_path):
    path, _ = evil
    out = tmp_path / 'samples'
    sample = load_tool('tools/sample.py')
    _refused(
        lambda: sample.main([CONFIG, path, '--num', '2', '--out', str(out)]),
        path)
    assert not out.exists()


def test_training_gain_benchmark_refuses(evil, legit, tmp_path):
    path, _ = evil
    work = tmp_path / 'run'
    work.mkdir()
    shutil.copy(path, work / 'iter_2.pth')
    bench = load_tool('benchmarks/skrgan_training_gain.py')
    results = bench.RESULTS
    size = osp.getsize(results) if osp.exists(results) else None
    _refused(
        lambda: bench.main([CONFIG, str(work), '--num-fake', '4']),
        str(work / 'iter_2.pth'))
    assert (osp.getsize(results) if osp.exists(results) else None) == size


def test_compare_harness_evaluation_refuses(evil):
    """The harness evaluates a cell through init_model; the refusal is a
    ValueError, which the harness reports as a failed cell."""
    from experiments.table1.cells import evaluate_cell
    from experiments.table1.presets import PRESETS
    path, _ = evil
    real = np.zeros((2, 3, 64, 64), np.uint8)
    _refused(
        lambda: evaluate_cell(REPO, 'skrgan', 'lungct', PRESETS['smoke'],
                              path, real, lambda fake, real: {}), path)
    assert issubclass(UntrustedCheckpointError, ValueError)
