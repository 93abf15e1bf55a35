"""Mixed precision without a GPU: CPUAmpOptimWrapper and tools/train.py
--amp (bf16 autocast, float32 weights, exact resume)."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub

from experiments import perf
from mmskr.engine.runner_utils import amp_optim_wrapper_cfg
from training_runs import load_cli

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_forward_runs_in_bf16_and_weights_stay_fp32(mmagic_scope):
    cfg = Config.fromfile(osp.join(REPO, 'configs/dcgan/dcgan_cpu_lungct.py'))
    optim_cfg = amp_optim_wrapper_cfg(cfg.optim_wrapper, device='cpu')
    assert optim_cfg.generator.type == 'CPUAmpOptimWrapper'
    assert 'loss_scale' not in optim_cfg.generator
    model, optim = perf.build_model_and_optim(
        perf.model_cfg_at_size(cfg.model, 32), optim_cfg)
    dtypes = set()
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            m.register_forward_hook(
                lambda mod, inp, out: dtypes.add(out.dtype))
    data = perf.samples_data(gt_img=torch.rand(4, 1, 32, 32) * 255)  # grey
    MessageHub.get_current_instance().update_info('iter', 0)
    log = model.train_step(data, optim)
    assert torch.bfloat16 in dtypes  # convolutions ran in bf16
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log.values())
    for name, p in model.named_parameters():
        assert p.dtype == torch.float32, name
        assert p.grad is None or p.grad.dtype == torch.float32, name
    for state in optim['generator'].optimizer.state.values():
        assert state['exp_avg'].dtype == torch.float32


def test_cpu_wrapper_takes_bfloat16_only():
    from mmskr.engine.optimizers import CPUAmpOptimWrapper
    net = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match='bfloat16'):
        CPUAmpOptimWrapper(dtype='float16',
                           optimizer=torch.optim.SGD(net.parameters(), 0.1))
    with pytest.raises(ValueError, match='device'):
        amp_optim_wrapper_cfg(dict(optimizer=dict(type='SGD')), device='tpu')


def _train(config, work, iters, data_root, *extra):
    cmd = [
        sys.executable, osp.join(REPO, 'tools/train.py'), config, '--amp',
        '--work-dir', work, '--cfg-options', f'train_cfg.max_iters={iters}',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=4',
        'default_hooks.checkpoint.interval=2', 'val_dataloader=None',
        'val_cfg=None', 'val_evaluator=None', *extra
    ]
    env = dict(os.environ, MMSKR_DATA_ROOT=data_root, CUDA_VISIBLE_DEVICES='')
    res = subprocess.run(cmd, env=env, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    return res


def test_train_amp_without_gpu_resumes_exactly(fake_data_root, tmp_path,
                                               monkeypatch):
    """--amp (with --channels-last) trains without a GPU; its checkpoint
    restores the float32 weights and the optimiser state bit for bit."""

    from mmengine.runner import Runner
    config = osp.join(REPO, 'configs/dcgan/dcgan_cpu_lungct.py')
    work = str(tmp_path / 'w')
    _train(config, work, 2, fake_data_root, '--channels-last')
    dumped = open(osp.join(work, osp.basename(config))).read()
    assert 'CPUAmpOptimWrapper' in dumped and 'ChannelsLastHook' in dumped
    ckpt = torch.load(osp.join(work, 'iter_2.pth'), weights_only=False)

    tool = load_cli('tools/train.py')
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    args = tool.parse_args([
        config, '--amp', '--work-dir', str(tmp_path / 'r'), '--resume',
        osp.join(work, 'iter_2.pth'), '--cfg-options',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=4', 'val_dataloader=None',
        'val_cfg=None', 'val_evaluator=None'
    ])
    runner = Runner.from_cfg(tool.build_config(args))
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    runner.load_or_resume()
    assert runner.iter == 2
    assert type(runner.optim_wrapper['generator']).__name__ == \
        'CPUAmpOptimWrapper'
    for key, value in runner.model.state_dict().items():
        assert value.dtype != torch.bfloat16, key
        assert torch.equal(value, ckpt['state_dict'][key]), key
    for net in ('generator', 'discriminator'):
        got = runner.optim_wrapper[net].optimizer.state_dict()['state']
        want = ckpt['optimizer'][net]['state']
        for idx, state in want.items():
            for k, v in state.items():
                assert torch.equal(torch.as_tensor(got[idx][k]),
                                   torch.as_tensor(v)), (net, idx, k)


def test_channels_last_hook_converts_4d_weights(mmagic_scope):
    from types import SimpleNamespace

    from mmskr.engine.hooks import ChannelsLastHook
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3),
                              torch.nn.BatchNorm2d(8), torch.nn.Linear(4, 2))
    ChannelsLastHook().before_train(SimpleNamespace(model=net))
    assert net[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert not net[0].weight.is_contiguous()
    assert net[2].weight.dim() == 2  # 2-D tensors untouched
    x = torch.randn(2, 3, 8, 8)
    ref = torch.nn.functional.conv2d(x, net[0].weight.contiguous(),
                                     net[0].bias)
    torch.testing.assert_close(net[0](x), ref)
