"""Helpers of the reliability tests: tiny SkrGAN runs, tools, payloads.

Every run is the CPU lung-CT SkrGAN config on ``fake_data_root`` (8 images,
48 px, resized to 64): batch 4, a checkpoint per iteration, no validation,
no sample grids and no sample-diversity check unless a test sets them.
"""
import glob
import os
import os.path as osp
import re
import struct
import uuid
from typing import List, Optional, Sequence

import numpy as np
import torch
from training_runs import load_cli as load_tool  # noqa: F401  (re-export)
from training_runs import tiny_options

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')
TRAIN = osp.join(REPO, 'tools/train.py')
ITER_RE = re.compile(r'Iter\(train\)\s*\[\s*(\d+)/')
#: Progressive schedule of 2 iterations of batch 4 per scale (4 -> 64 px).
FAST_SCHEDULE = [
    f'model.sketch_gan.nkimgs_per_scale.{s}=0.008' for s in (4, 8, 16, 32, 64)
] + ['model.sketch_gan.transition_kimgs=0.008']
#: No validation (mmengine's loop validates at the last iteration otherwise).
NO_VALIDATION = ['val_cfg=None', 'val_dataloader=None', 'val_evaluator=None']


def tiny_argv(work_dir: str, iters: int, *options: str,
              ckpt_interval: int = 1, validation: bool = False) -> List[str]:
    """``tools/train.py`` arguments of a tiny run; ``options`` are extra
    ``--cfg-options`` (later ones win)."""
    opts = [o for o in tiny_options(work_dir, iters, ckpt_interval)
            if not o.startswith('custom_hooks')]
    return [CONFIG, *opts, *([] if validation else NO_VALIDATION), *options]


def train_in_process(argv: Sequence[str], hooks: Sequence = (),
                     custom_hooks: Optional[list] = None):
    """What ``tools/train.py`` does (its ``prepare`` included), plus hooks
    registered for the test.

    Args:
        argv: ``tools/train.py`` arguments.
        hooks: Hook objects registered before training.
        custom_hooks: Replaces the config's ``custom_hooks`` when given.

    Returns:
        The Runner after ``train()``.
    """
    from mmengine.runner import Runner
    train = load_tool('tools/train.py')
    cfg = train.build_config(train.parse_args(list(argv)))
    if custom_hooks is not None:
        cfg.custom_hooks = custom_hooks
    # a unique name: runs started in the same second share no logger
    cfg.experiment_name = f'rel_{uuid.uuid4().hex[:8]}'
    train.prepare(cfg)  # DiffAugment and the rest, as tools/train.py does
    runner = Runner.from_cfg(cfg)
    for hook in hooks:
        runner.register_hook(hook)
    runner.train()
    return runner


def train_env(data_root: str) -> dict:
    return dict(os.environ, MMSKR_DATA_ROOT=data_root, OMP_NUM_THREADS='1',
                PYTHONUNBUFFERED='1')


def checkpoints(work_dir: str) -> List[int]:
    """Iterations of the ``iter_N.pth`` files in ``work_dir``, sorted."""
    return sorted(
        int(re.search(r'iter_(\d+)\.pth$', p).group(1))
        for p in glob.glob(osp.join(work_dir, 'iter_*.pth')))


def log_text(work_dir: str) -> str:
    """The Runner's text logs of ``work_dir`` (all runs), concatenated."""
    text = ''
    for path in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))):
        with open(path) as f:
            text += f.read()
    return text


def assert_finite_state(path: str) -> dict:
    """Load a checkpoint (safely) and check every tensor is finite."""
    state = torch.load(path, map_location='cpu')
    for key, value in state['state_dict'].items():
        if value.is_floating_point():
            assert torch.isfinite(value).all(), f'{key} of {path}'
    return state


class Payload:
    """Unpickling it creates ``marker``: stands for any code a pickle runs."""

    def __init__(self, marker: str):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f'open({self.marker!r}, "w").close()', )


def plant_payload(src: str, dst: str, marker: str) -> str:
    """Save checkpoint ``src`` as ``dst`` with a payload in its meta."""
    state = torch.load(src, map_location='cpu')
    state['meta']['note'] = Payload(marker)
    torch.save(state, dst)
    return dst


def write_gray_tiff(path: str, arr: np.ndarray, sample_format: int) -> str:
    """A minimal uncompressed one-strip gray TIFF with any sample type.

    Args:
        path (str): Output file.
        arr (np.ndarray): (H, W) samples; their size gives BitsPerSample.
        sample_format (int): TIFF SampleFormat (1 uint, 2 int, 3 float).
    """
    height, width = arr.shape
    data = arr.astype(arr.dtype.newbyteorder('<')).tobytes()
    tags = [(256, width), (257, height), (258, arr.dtype.itemsize * 8),
            (259, 1), (262, 1), (273, 0), (277, 1), (278, height),
            (279, len(data)), (339, sample_format)]
    offset = 8 + 2 + 12 * len(tags) + 4  # header + IFD, then the strip
    ifd = struct.pack('<H', len(tags)) + b''.join(
        struct.pack('<HHII', tag, 4, 1, offset if tag == 273 else value)
        for tag, value in tags) + struct.pack('<I', 0)
    with open(path, 'wb') as f:
        f.write(b'II*\x00' + struct.pack('<I', 8) + ifd + data)
    return str(path)
