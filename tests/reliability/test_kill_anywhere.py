"""Item 3: SIGKILL at two random moments of a tiny training run; every restart
with ``--resume`` goes on from the newest complete checkpoint, and the run
ends at the same iteration and progressive-growing state as one that was
never interrupted, with the same weights."""
import os.path as osp
import random
import subprocess
import sys
import time

import pytest
from reliability_utils import (FAST_SCHEDULE, ITER_RE, REPO, TRAIN,
                               checkpoints, tiny_argv, train_env,
                               train_in_process)
from training_runs import last_meta

from mmskr.engine.runner_utils import (find_resumable_checkpoint,
                                       is_complete_checkpoint)

ITERS = 12
KILLS = 2
SEED = 2019


def _iterations_logged(path: str) -> int:
    with open(path, errors='replace') as f:
        found = ITER_RE.findall(f.read())
    return int(found[-1]) if found else 0


def _run_and_kill(argv, env, log: str, target: int, delay: float) -> int:
    """Start ``tools/train.py``, SIGKILL it ``delay`` s after it logged
    iteration ``target``; returns its exit status."""
    with open(log, 'w') as out:
        proc = subprocess.Popen([sys.executable, TRAIN, *argv], env=env,
                                cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT)
        deadline = time.time() + 300
        while proc.poll() is None and time.time() < deadline and \
                _iterations_logged(log) < target:
            time.sleep(0.02)
        time.sleep(delay)
        proc.kill()
        return proc.wait()


def test_sigkill_at_random_moments_then_resume(fake_data_root, tmp_path,
                                               monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    rng = random.Random(SEED)
    work = str(tmp_path / 'killed')
    argv = tiny_argv(work, ITERS, *FAST_SCHEDULE) + ['--resume']
    moments = []
    for k in range(KILLS):
        ckpt = find_resumable_checkpoint(work) if osp.isdir(work) else None
        done = last_meta(work)['iter'] if ckpt else 0
        # the restart logs iterations done+1, done+2, ...: kill after the
        # second or third of them (so that every run leaves a checkpoint), at
        # a random point of the iteration or save
        target, delay = done + rng.randint(2, 3), rng.uniform(0, 0.5)
        log = str(tmp_path / f'run{k}.log')
        status = _run_and_kill(argv, train_env(fake_data_root), log,
                               target, delay)
        moments.append((done, target, round(delay, 3), status))
        with open(log, errors='replace') as f:
            tail = f.read()[-2000:]
        assert status == -9, f'run {k} ended before the kill: {moments}\n' \
            + tail
        for n in checkpoints(work):  # whatever is left is whole
            assert is_complete_checkpoint(osp.join(work, f'iter_{n}.pth'))
    assert [m[0] for m in moments] == sorted(m[0] for m in moments)
    assert moments[-1][0] > 0, f'no checkpoint survived: {moments}'

    train_in_process(argv)  # the last restart runs to the end
    ref = str(tmp_path / 'reference')
    train_in_process(tiny_argv(ref, ITERS, *FAST_SCHEDULE))
    expected = last_meta(ref)
    assert expected['iter'] == ITERS
    assert expected['sketch_gan._curr_scale_int'] == 64  # it grew
    assert last_meta(work) == pytest.approx(expected), moments
    # and with the same weights, bit for bit (RandomStateHook)
    import torch
    want = torch.load(osp.join(ref, f'iter_{ITERS}.pth'))['state_dict']
    got = torch.load(osp.join(work, f'iter_{ITERS}.pth'))['state_dict']
    for key, value in want.items():
        assert torch.equal(value, got[key]), (key, moments)
