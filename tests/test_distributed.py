"""`bash tools/dist_train.sh CONFIG 2` on CPU (gloo, 127.0.0.1)."""
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch

from mmskr.engine.runner_utils import is_complete_checkpoint

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DIST_TRAIN = osp.join(REPO, 'tools', 'dist_train.sh')

pytestmark = pytest.mark.skipif(
    not torch.distributed.is_available() or
    not torch.distributed.is_gloo_available(),
    reason='torch without gloo')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _config(tmp_path, base: str, hooks: str) -> str:
    """A leaf config over ``base`` with a weight check after every step."""
    path = tmp_path / 'dist_cfg.py'
    path.write_text(f"_base_ = ['{osp.join(REPO, base)}']\n"
                    f"custom_hooks = [{hooks}\n"
                    "    dict(type='DistConsistencyHook', interval=1)]\n")
    return str(path)


def _dist_train(config, work, data_root, iters, *extra):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(_free_port()),
               MMSKR_DATA_ROOT=data_root, OMP_NUM_THREADS='1')
    cmd = [
        'bash', DIST_TRAIN, config, '2', '--work-dir', work, *extra,
        '--cfg-options', f'train_cfg.max_iters={iters}',
        'train_cfg.val_interval=1000', 'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=2',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1'
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         timeout=600)
    # both tails: the training log is on stdout, a crash's report on stderr
    assert res.returncode == 0, (
        f'exit {res.returncode}\n--- stdout (tail) ---\n'
        f'{res.stdout[-2500:]}\n--- stderr (tail) ---\n{res.stderr[-2500:]}')
    return res.stdout + res.stderr


def _consistency(work):
    with open(osp.join(work, 'dist_consistency.jsonl')) as f:
        return [json.loads(line) for line in f]


def test_skrgan_two_ranks_train_identically_and_resume(
        fake_data_root, tmp_path):  # noqa: F811
    config = _config(
        tmp_path, 'configs/skrgan/skrgan_cpu_lungct.py',
        "dict(type='SkrGANSampleHook', interval=2, num_samples=2),")
    work = str(tmp_path / 'work')
    log = _dist_train(config, work, fake_data_root, 2)
    assert 'Distributed training: True' in log and 'Traceback' not in log
    rows = _consistency(work)
    # both ranks reported after every step, with bitwise equal weights
    assert [r['iter'] for r in rows] == [1, 2]
    assert all(r['world_size'] == 2 and r['consistent'] for r in rows)
    assert rows[-1]['checksums'][0] == rows[-1]['checksums'][1]
    # rank 0 alone wrote one checkpoint and one sample grid
    ckpts = sorted(f for f in os.listdir(work) if f.endswith('.pth'))
    assert ckpts == ['iter_2.pth']
    assert is_complete_checkpoint(osp.join(work, 'iter_2.pth'))
    assert os.listdir(osp.join(work, 'samples')) == ['iter_000002.png']
    state = torch.load(osp.join(work, 'iter_2.pth'), map_location='cpu')
    # images shown count both ranks: 2 iterations x 2 images x 2 ranks
    shown = state['state_dict']['sketch_gan.shown_nkimg'].item()
    assert shown == pytest.approx(0.008)

    log = _dist_train(config, work, fake_data_root, 4, '--resume')
    assert 'resumed' in log.lower()
    rows = _consistency(work)
    assert [r['iter'] for r in rows] == [1, 2, 3, 4]
    assert all(r['consistent'] for r in rows)
    state = torch.load(osp.join(work, 'iter_4.pth'), map_location='cpu')
    assert state['meta']['iter'] == 4
    assert state['state_dict']['sketch_gan.shown_nkimg'].item() == \
        pytest.approx(0.016)
    # each rank's random generators are saved (RandomStateHook) and put
    # back: a run stopped at a checkpoint and resumed with the same config
    # ends where the uninterrupted run does
    ranks = torch.load(osp.join(work, 'iter_4.pth'))['random_state']
    assert len(ranks) == 2
    assert not torch.equal(ranks[0]['torch'], ranks[1]['torch'])
    whole = str(tmp_path / 'whole')
    _dist_train(config, whole, fake_data_root, 4)
    want = torch.load(osp.join(whole, 'iter_4.pth'))['state_dict']
    os.remove(osp.join(whole, 'iter_4.pth'))
    _dist_train(config, whole, fake_data_root, 4, '--resume',
                osp.join(whole, 'iter_2.pth'))
    got = torch.load(osp.join(whole, 'iter_4.pth'))['state_dict']
    for key, value in want.items():
        assert torch.equal(value, got[key]), key


def test_pggan_baseline_two_ranks(fake_data_root, tmp_path):  # noqa: F811
    config = _config(tmp_path, 'configs/pggan/pggan_cpu_lungct.py', '')
    work = str(tmp_path / 'work')
    _dist_train(config, work, fake_data_root, 2)
    rows = _consistency(work)
    assert [r['iter'] for r in rows] == [1, 2]
    assert all(r['world_size'] == 2 and r['consistent'] for r in rows)
    assert sorted(f for f in os.listdir(work)
                  if f.endswith('.pth')) == ['iter_2.pth']
    state = torch.load(osp.join(work, 'iter_2.pth'), map_location='cpu')
    assert state['state_dict']['shown_nkimg'].item() == pytest.approx(0.008)
