"""Train a model from an mmskr / mmagic config with mmengine's Runner.

Same flags as mmagic's ``tools/train.py``, plus ``--data-root``::

    python tools/train.py configs/skrgan/skrgan_lungct.py
    python tools/train.py CONFIG --work-dir work_dirs/x --resume
    python tools/train.py CONFIG --resume work_dirs/x/iter_500.pth
    python tools/train.py CONFIG --cfg-options train_cfg.max_iters=10
"""
import argparse
import logging
import os
import os.path as osp
import sys

import mmskr  # noqa: F401  (upstream workarounds before mmagic loads)
import torch
from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmskr.apis import apply_diff_augment, fill_from_data
from mmskr.engine.runner_utils import (amp_optim_wrapper_cfg,
                                       find_resumable_checkpoint)
from mmskr.utils.config_check import check_model_types, validate_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a GAN (mmskr)')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        default=None,
        help='resume from a checkpoint; without a path, from the latest '
        'complete checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='mixed precision: float16 AMP on a GPU, bfloat16 autocast '
        '(CPUAmpOptimWrapper) without one')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='store the model channels-last (ChannelsLastHook); faster on '
        'CPU for the narrow networks (benchmarks/perf.py --parts amp)')
    parser.add_argument(
        '--data-root',
        help='root folder of the data sets (sets MMSKR_DATA_ROOT before the '
        'config is read)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def build_config(args) -> Config:
    """Read the config and apply the command-line flags to it."""
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    if args.data_root:
        if not osp.isdir(args.data_root):
            raise FileNotFoundError(
                f'--data-root {args.data_root} is not a folder')
        os.environ['MMSKR_DATA_ROOT'] = osp.abspath(args.data_root)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:  # float16 AMP on a GPU, bfloat16 autocast on a CPU
        cfg.optim_wrapper = amp_optim_wrapper_cfg(
            cfg.optim_wrapper,
            device='cuda' if torch.cuda.is_available() else 'cpu')
    if args.channels_last:
        cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
            dict(type='ChannelsLastHook')
        ]
    if args.launcher != 'none' and not torch.cuda.is_available():
        # mmengine's Runner.wrap_model passes device_ids=[LOCAL_RANK] to
        # DDP, which only modules on a GPU accept: CPU modules need None
        wrapper = cfg.get('model_wrapper_cfg') or dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        wrapper['device_ids'] = None
        cfg.model_wrapper_cfg = wrapper
    if args.resume == 'auto':
        ckpt = find_resumable_checkpoint(cfg.work_dir)
        if ckpt is None:
            print_log(
                f'--resume: no complete checkpoint in {cfg.work_dir}; '
                'starting from scratch',
                logger='current',
                level=logging.WARNING)
        else:
            cfg.resume = True
            cfg.load_from = ckpt
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise FileNotFoundError(
                f'--resume {args.resume}: no such checkpoint file')
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


def prepare(cfg) -> dict:
    """Finish a built config (in place) as every training run needs it;
    returns the values filled in from the data."""
    # a misspelt type is named before the channels are set on the model
    check_model_types(cfg)
    # a folder config's 'auto' values, from the data (the dumped config
    # and the checkpoints keep them)
    filled = fill_from_data(cfg)
    apply_diff_augment(cfg)  # every discriminator, when the switch is on
    validate_config(cfg)  # fail fast: nothing is built or trained yet
    return filled


def main(argv=None):
    cfg = build_config(parse_args(argv))
    filled = prepare(cfg)
    runner = Runner.from_cfg(cfg)
    for key, value in filled.items():
        runner.logger.info(f'from the data: {key} = {value!r}')
    print_log(f'Working directory: {cfg.work_dir}', logger='current')
    runner.train()


if __name__ == '__main__':
    sys.exit(main())
