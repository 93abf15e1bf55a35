"""Helpers around mmengine's Runner: finding a checkpoint to resume from and
refusing checkpoint files that are incomplete or carry code."""
import glob
import os.path as osp
import re
import zipfile
from copy import deepcopy
from typing import Optional

from mmengine.config import ConfigDict

_CKPT_RE = re.compile(r'(iter|epoch)_(\d+)\.pth$')


class UntrustedCheckpointError(ValueError):
    """A checkpoint refers to Python objects that loading it would create.

    Attributes:
        path (str): The refused file.
        globals (list[str]): The offending ``module.name`` references.
    """

    def __init__(self, path: str, names: list):
        self.path = str(path)
        self.globals = list(names)
        super().__init__(
            f'refusing to load checkpoint {self.path!r}: it refers to '
            f'{", ".join(self.globals)}, which checkpoints written by '
            'mmengine never contain (tensors, numpy arrays, optimizer state '
            'and mmengine log buffers only). Unpickling it could run code; '
            'nothing from it was executed. Use checkpoints from a source you '
            'trust, and never load them with weights_only=False or '
            'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1.')


def is_complete_checkpoint(path: str) -> bool:
    """True if ``path`` is a whole torch zip checkpoint (not truncated)."""
    if not osp.isfile(path) or osp.getsize(path) == 0:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def verify_checkpoint(path: str) -> str:
    """Check a local checkpoint file before any of it is unpickled.

    The pickle inside the torch zip file is scanned (not executed) for the
    globals it would import; any that the ``weights_only`` allow-list
    (torch's own plus the mmengine types registered by :mod:`mmskr.compat`)
    does not hold is refused. Loading still goes through ``weights_only``,
    so this is a clear early error, not the only barrier.

    Args:
        path (str): Checkpoint file.

    Returns:
        str: ``path``, unchanged.

    Raises:
        FileNotFoundError: ``path`` is not a file.
        ValueError: the file is not a complete torch zip checkpoint
            (truncated, still being written, or not written by
            ``torch.save``).
        UntrustedCheckpointError: the pickle refers to other globals.
    """
    import torch
    if not osp.isfile(path):
        raise FileNotFoundError(f'no such checkpoint file: {path!r}')
    if not is_complete_checkpoint(path):
        raise ValueError(
            f'checkpoint {path!r} is not a complete torch zip file '
            f'({osp.getsize(path)} bytes): truncated, still being written, '
            'or not written by torch.save. Use an earlier checkpoint.')
    scan = getattr(torch.serialization, 'get_unsafe_globals_in_checkpoint',
                   None)
    if scan is not None:  # torch >= 2.5
        unsafe = scan(path)
        if unsafe:
            raise UntrustedCheckpointError(path, unsafe)
    return path


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete checkpoint in ``work_dir``.

    mmengine records the last checkpoint in ``work_dir/last_checkpoint``. A
    run killed while writing that file or a checkpoint can leave it empty or
    pointing at a broken file; then the newest complete ``iter_N.pth`` /
    ``epoch_N.pth`` is used instead.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str | None: Checkpoint path, or None when there is none.
    """
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record, encoding='utf-8') as f:
            last = f.read().strip()
        if last and not osp.isabs(last) and not osp.isfile(last):
            last = osp.join(work_dir, osp.basename(last))
        if last and is_complete_checkpoint(last):
            return last
    found = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        m = _CKPT_RE.search(osp.basename(path))
        if m:
            found.append((int(m.group(2)), path))
    for _, path in sorted(found, reverse=True):
        if is_complete_checkpoint(path):
            return path
    return None


def amp_optim_wrapper_cfg(optim_wrapper: ConfigDict,
                          dtype: Optional[str] = None,
                          device: str = 'cuda') -> ConfigDict:
    """Every optimiser wrapper of a (multi-wrapper) config as AMP wrapper.

    Args:
        optim_wrapper (ConfigDict): ``cfg.optim_wrapper`` of a GAN config:
            a constructor with one sub-dict per network, or SkrGAN's
            ``sketch``/``render`` groups of them.
        dtype (str, optional): ``'float16'`` or ``'bfloat16'``; None keeps
            the wrapper's default (GPU: float16; CPU: bfloat16, the only
            one it takes).
        device (str): ``'cuda'``: mmengine's ``AmpOptimWrapper`` with a
            dynamic loss scale; ``'cpu'``: :class:`CPUAmpOptimWrapper`
            (bf16 autocast, float32 weights, no loss scale).

    Returns:
        ConfigDict: A copy with the AMP wrapper on every wrapper that has an
        ``optimizer``.
    """
    if device not in ('cuda', 'cpu'):
        raise ValueError(f"device must be 'cuda' or 'cpu', got {device!r}")
    wrapper = deepcopy(optim_wrapper)

    def convert(group: dict) -> None:
        for sub in group.values():
            if isinstance(sub, dict) and 'optimizer' in sub:
                if device == 'cpu':
                    sub['type'] = 'CPUAmpOptimWrapper'
                else:
                    sub['type'] = 'AmpOptimWrapper'
                    sub['loss_scale'] = 'dynamic'
                if dtype is not None:
                    sub['dtype'] = dtype

    if 'optimizer' in wrapper:  # a single wrapper
        convert({'w': wrapper})
    elif wrapper.get('constructor') == 'SkrGANOptimWrapperConstructor':
        for part in ('sketch', 'render'):
            convert(wrapper[part])
    else:
        convert(wrapper)
    return wrapper
