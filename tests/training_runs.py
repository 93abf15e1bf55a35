"""Helpers for tests that run tools/train.py on a few iterations and read
what the run wrote (checkpoint meta, logged scalars)."""
import glob
import os.path as osp

import torch


def load_cli(relpath: str):
    """A script of the repository (``tools/train.py``, ``benchmarks/
    perf.py``...) imported by path, once per process, so that tests call
    its ``main(argv)`` in-process."""
    import importlib.util
    import re
    import sys
    name = 'repo_cli_' + re.sub(r'\W', '_', relpath)
    if name not in sys.modules:
        repo = osp.dirname(osp.dirname(osp.abspath(__file__)))
        spec = importlib.util.spec_from_file_location(
            name, osp.join(repo, relpath))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def tiny_options(work_dir: str, iters: int, ckpt_interval: int = 1000):
    return [
        '--work-dir', work_dir, '--cfg-options',
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.min_images=4',
        'val_dataloader.batch_size=4', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        f'default_hooks.checkpoint.interval={ckpt_interval}',
        'default_hooks.logger.interval=1', 'custom_hooks.0.interval=1',
        'custom_hooks.0.num_samples=2',
        # the settings' metrics on 8 generated images instead of 100
        'val_evaluator.metrics.0.fake_nums=8',
        'val_evaluator.metrics.1.fake_nums=8',
        'val_evaluator.metrics.2.fake_nums=8'
    ]


def scalars(work_dir: str) -> list:
    import json
    files = glob.glob(osp.join(work_dir, '*/vis_data/scalars.json'))
    assert files, f'no scalars.json under {work_dir}'
    rows = []
    for f in files:
        with open(f) as fh:
            rows += [json.loads(line) for line in fh]
    return rows


def last_meta(work_dir: str) -> dict:
    from mmskr.engine.runner_utils import find_resumable_checkpoint
    ckpt = find_resumable_checkpoint(work_dir)
    state = torch.load(ckpt, map_location='cpu')
    buffers = {
        k: v.item()
        for k, v in state['state_dict'].items() if k in (
            'sketch_gan.shown_nkimg', 'sketch_gan._curr_scale_int',
            'sketch_gan._curr_transition_weight')
    }
    return dict(iter=state['meta']['iter'], **buffers)
