"""A run interrupted after a checkpoint and resumed ends with the weights of
the run that was never interrupted, bit for bit (RandomStateHook): the
SkrGAN CPU config draws DiffAugment shifts and cutouts and the noise from
the global generators, which mmengine's resume alone re-seeds."""
import os
import os.path as osp
import random

import numpy as np
import pytest
import torch
from reliability_utils import FAST_SCHEDULE, tiny_argv, train_in_process

from mmskr.engine.hooks.random_state_hook import (KEY, get_random_state,
                                                  set_random_state)

ITERS = 4


def _weights(path: str) -> dict:
    return torch.load(path, map_location='cpu')['state_dict']


def _interrupt_and_resume(work: str, *options: str) -> tuple:
    """Train ``ITERS`` iterations (checkpoints every 2), then go back to
    ``iter_2.pth`` and resume to the end; returns both final weights."""
    argv = tiny_argv(work, ITERS, *FAST_SCHEDULE, *options, ckpt_interval=2)
    train_in_process(argv)
    uninterrupted = _weights(osp.join(work, f'iter_{ITERS}.pth'))
    os.remove(osp.join(work, f'iter_{ITERS}.pth'))
    train_in_process(argv + ['--resume', osp.join(work, 'iter_2.pth')])
    return uninterrupted, _weights(osp.join(work, f'iter_{ITERS}.pth'))


def test_resumed_run_repeats_the_uninterrupted_one(fake_data_root, tmp_path,
                                                   monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    work = str(tmp_path / 'run')
    want, got = _interrupt_and_resume(work)
    states = torch.load(osp.join(work, 'iter_2.pth'))[KEY]
    assert len(states) == 1 and set(states[0]) == {
        'python', 'numpy', 'torch', 'cuda'
    }
    assert want.keys() == got.keys()
    for key in want:
        assert torch.equal(want[key], got[key]), key


def test_without_the_hook_the_resumed_run_leaves_the_other(
        fake_data_root, tmp_path, monkeypatch):
    """The control: the same interruption, checkpoints without states."""
    from mmskr.engine.hooks import RandomStateHook
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    monkeypatch.setattr(RandomStateHook, 'before_save_checkpoint',
                        lambda self, runner, checkpoint: None)
    want, got = _interrupt_and_resume(str(tmp_path / 'run'))
    assert any(not torch.equal(want[k], got[k]) for k in want)


def test_random_state_round_trip():
    state = get_random_state()
    first = (random.random(), np.random.rand(), np.random.randn(),
             torch.rand(3))
    assert set_random_state(state) == []
    again = (random.random(), np.random.rand(), np.random.randn(),
             torch.rand(3))
    assert first[:3] == again[:3] and torch.equal(first[3], again[3])


def test_saved_cuda_states_on_another_device_count_are_reported():
    state = dict(get_random_state(), cuda=[torch.zeros(16, dtype=torch.uint8)
                                          ] * 9)
    assert set_random_state(state) == ['cuda']


@pytest.mark.parametrize('states, says', [
    (None, 'holds no random generator states'),
    ([{}, {}], 'states of 2 ranks, this run has 1'),
])
def test_unusable_states_warn_and_restore_nothing(states, says):
    from types import SimpleNamespace

    from mmengine.logging import MMLogger

    from mmskr.engine.hooks import RandomStateHook
    records = []
    logger = MMLogger.get_instance('random_state_test')
    logger.warning = records.append
    hook = RandomStateHook()
    ckpt = {'meta': {'iter': 2}}
    if states is not None:
        ckpt[KEY] = states
    hook.after_load_checkpoint(SimpleNamespace(_resume=True, logger=logger),
                               ckpt)
    assert hook._pending is None
    assert len(records) == 1 and says in records[0]


def test_loading_weights_only_restores_nothing():
    from types import SimpleNamespace

    from mmskr.engine.hooks import RandomStateHook
    hook = RandomStateHook()
    hook.after_load_checkpoint(SimpleNamespace(_resume=False),
                               {KEY: [get_random_state()]})
    assert hook._pending is None


def test_resume_refuses_a_checkpoint_without_some_weights(
        fake_data_root, tmp_path, monkeypatch):
    """mmengine would resume it with fresh networks (strict=False)."""
    from mmskr.engine.hooks import IncompleteCheckpointError
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    work = str(tmp_path / 'run')
    argv = tiny_argv(work, 2, *FAST_SCHEDULE, ckpt_interval=2)
    train_in_process(argv)
    state = torch.load(osp.join(work, 'iter_2.pth'))
    # the layout of a distributed checkpoint before compat workaround 9
    state['state_dict'] = {
        k.replace('sketch_gan.generator.', 'sketch_gan.generator.module.'): v
        for k, v in state['state_dict'].items()
    }
    bad = str(tmp_path / 'bad.pth')
    torch.save(state, bad)
    with pytest.raises(IncompleteCheckpointError,
                       match=r'bad\.pth.*sketch_gan\.generator\.'):
        train_in_process(tiny_argv(work, 4, *FAST_SCHEDULE) +
                         ['--resume', bad])
    assert sorted(os.listdir(work)).count('iter_4.pth') == 0
