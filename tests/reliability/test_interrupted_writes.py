"""Item 2: a crash while a checkpoint is written (the process killed, or the
disk full) leaves the previous checkpoint intact, and ``--resume`` uses it.
"""
import errno
import glob
import os
import os.path as osp
import subprocess
import sys

import pytest
from reliability_utils import (REPO, TRAIN, assert_finite_state, checkpoints,
                               tiny_argv, train_env, train_in_process)
from training_runs import last_meta

from mmskr.engine.runner_utils import find_resumable_checkpoint

# Runs tools/train.py, but SIGKILLs itself when the checkpoint file named
# by argv[1] has been written to its temporary file and is being synced,
# before the rename that would publish it.
KILL_WHILE_WRITING = '''
import os, runpy, signal, sys
target = sys.argv[1]
real_fsync = os.fsync
def fsync(fd):
    if target in os.readlink(f"/proc/self/fd/{fd}"):
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)
os.fsync = fsync
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def _assert_resumes_from(work: str, iters: int, previous: int) -> None:
    """The newest complete checkpoint is ``previous`` and ``--resume``
    trains from it to ``iters``."""
    ckpt = find_resumable_checkpoint(work)
    assert ckpt == osp.join(work, f'iter_{previous}.pth')
    assert_finite_state(ckpt)
    train_in_process(tiny_argv(work, iters) + ['--resume'])
    meta = last_meta(work)
    assert meta['iter'] == iters
    assert meta['sketch_gan.shown_nkimg'] == pytest.approx(iters * 4 / 1000)


@pytest.fixture
def data_env(fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    return fake_data_root


def test_disk_full_while_saving_keeps_previous(data_env, tmp_path,
                                               monkeypatch):
    """ENOSPC while the 3rd checkpoint is written: training stops with the
    OSError, iter_2.pth is untouched, no partial file is left, and
    ``--resume`` finishes the run from iter_2."""
    work = str(tmp_path / 'work')
    real_fsync = os.fsync

    def full_disk(fd):
        if '.iter_3.pth.' in os.readlink(f'/proc/self/fd/{fd}'):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, 'fsync', full_disk)
    with pytest.raises(OSError) as info:
        train_in_process(tiny_argv(work, 4))
    assert info.value.errno == errno.ENOSPC
    monkeypatch.setattr(os, 'fsync', real_fsync)
    assert checkpoints(work) == [1, 2]
    assert not glob.glob(osp.join(work, '.iter_*'))  # temp file removed
    with open(osp.join(work, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('iter_2.pth')
    _assert_resumes_from(work, 4, previous=2)


def test_kill_while_saving_keeps_previous(data_env, tmp_path):
    """SIGKILL in the middle of writing the 3rd checkpoint."""
    work = str(tmp_path / 'work')
    cmd = [sys.executable, '-c', KILL_WHILE_WRITING, '.iter_3.pth.', TRAIN,
           *tiny_argv(work, 4)]
    res = subprocess.run(cmd, env=train_env(data_env), cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == -9, res.stderr[-3000:]
    assert checkpoints(work) == [1, 2]
    assert glob.glob(osp.join(work, '.iter_3.pth.*.tmp'))  # killed mid-way
    _assert_resumes_from(work, 4, previous=2)
    # the resumed run's first checkpoint write removed the dead writer's file
    assert not glob.glob(osp.join(work, '.*.tmp'))


def test_truncated_newest_checkpoint_is_passed_over(data_env, tmp_path):
    """A checkpoint cut short by a writer that is not atomic (an old
    mmengine, a copy interrupted by a full disk), which last_checkpoint
    even points at: ``--resume`` takes the previous one; naming the broken
    file explicitly is a clear error before training."""
    from mmskr.engine.runner_utils import verify_checkpoint
    work = str(tmp_path / 'work')
    train_in_process(tiny_argv(work, 2))
    broken = osp.join(work, 'iter_3.pth')
    with open(osp.join(work, 'iter_2.pth'), 'rb') as f:
        data = f.read()
    with open(broken, 'wb') as f:
        f.write(data[:len(data) // 2])
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(broken)
    with pytest.raises(ValueError, match='not a complete torch zip'):
        verify_checkpoint(broken)
    with pytest.raises(ValueError, match='iter_3.pth'):
        train_in_process(tiny_argv(str(tmp_path / 'b'), 4) +
                         ['--resume', broken])
    assert not osp.exists(tmp_path / 'b')  # before the Runner was built
    _assert_resumes_from(work, 4, previous=2)
