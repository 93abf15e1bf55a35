"""Workarounds for upstream bugs in mmagic 1.2.0 / mmengine 0.10.7 / mmcv-lite.

mmagic is frozen upstream (last release 1.2.0, Dec 2023), so the plugin has to
live with these bugs. Every workaround the project needs lives in this module,
names the upstream bug it works around, and has a test in
``tests/test_compat.py`` that fails without it.

:func:`apply` is called by ``import mmskr`` and is idempotent. The numpy and
mmcv fixes must run before ``mmagic.models`` / ``mmagic.utils`` are imported,
so entry points import :mod:`mmskr` first.

Workarounds:

1. ``np.bool8`` (removed in numpy 2) is read at import time by
   ``mmagic/utils/trans_utils.py``: alias it to ``np.bool_``.
2. mmcv-lite ships no compiled ops, but ``mmagic.models`` imports
   ``mmcv.ops`` (StyleGAN2/EDVR/TDAN/BasicVSR++ modules). A placeholder
   ``mmcv._ext`` lets the import through; calling any op raises
   :class:`MissingMMCVOpsError`. Its ``__spec__.loader`` is None so
   ``mmengine.utils.is_installed('mmcv._ext')``-style probes do not mistake it
   for mmcv-full. The models mmskr uses (PGGAN, DCGAN, WGAN-GP, Pix2Pix) call
   no compiled op.
3. torch >= 2.6 loads checkpoints with ``weights_only=True`` but mmengine
   0.10.7 stores non-tensor objects (``HistoryBuffer``, numpy scalars, ...),
   so ``--resume`` / ``load_from`` fail with ``UnpicklingError``
   (open-mmlab/mmengine#1655, fix PR #1650 unmerged). Instead of
   ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (which lets any pickle run code),
   the exact types mmengine writes are allow-listed with
   ``torch.serialization.add_safe_globals``: a checkpoint that carries any
   other object is still refused.
4. ``init_info`` UnboundLocalError (open-mmlab/mmagic#2109):
   ``generation_init_weights`` and ``DCGANDiscriminator.init_weights`` call
   ``update_init_info`` with a variable that is unset for modules that are
   neither conv/linear nor batch-norm, which crashes inside
   ``Runner.train()`` as soon as mmengine records init info. The fixed
   versions record info only for modules they initialised.
5. Non-atomic checkpoint writes: mmengine's ``LocalBackend.put`` (used by
   ``save_checkpoint``) opens the target file and writes into it, so a run
   killed mid-write leaves a truncated ``iter_N.pth`` that ``--resume`` then
   fails on. The patched ``put`` writes a temporary file in the same folder,
   fsyncs it and renames it over the target (``os.replace`` is atomic on
   POSIX): a checkpoint file is either complete or absent.
6. Distributed training without a GPU: mmengine 0.10.7's
   ``mmengine.dist.utils._init_dist_pytorch`` calls
   ``torch.cuda.set_device(local_rank)`` unconditionally (and
   ``_init_dist_slurm`` divides by ``torch.cuda.device_count()``), so
   ``--launcher pytorch``/``slurm`` fails on a CPU-only machine even with
   the gloo backend. Without CUDA the patched versions skip ``set_device``
   and replace the ``nccl`` backend (the configs' default) by ``gloo``; with
   CUDA they call the originals unchanged.
7. Dumped progressive configs do not rebuild: mmengine 0.10.7's
   ``Config.pretty_text`` (used by ``Config.dump``, i.e. the config copy the
   Runner writes into every work dir) sorts dict keys as strings, so
   ``nkimgs_per_scale={'4': .., '8': .., '16': ..}`` is written as
   ``{'16', '32', '4', '64', '8'}`` and mmagic 1.2.0's
   ``ProgressiveGrowingGAN.__init__`` asserts that the scales come in
   ascending dict order (``assert k[0] > self.scales[-1][0]``): the work
   dir's config of any PGGAN/SkrGAN run fails to build (tools/sample.py,
   ``init_model``). The patched ``__init__`` orders ``nkimgs_per_scale`` by
   scale before mmagic's; a config whose scales are ascending is unchanged.
8. Distributed runs abort at exit: neither mmengine 0.10.7's Runner nor
   mmagic's ``tools/train.py`` destroys the process group, and a gloo
   process group left alive when the interpreter finalises can abort the
   process (``terminate called without an active exception``, SIGABRT):
   gloo's worker threads still hold work objects whose tensors need the
   GIL while Python is torn down (pytorch/pytorch#179291, an atexit fix
   proposed upstream and abandoned; #190489 traces the abort). A finished
   ``dist_train.sh`` run then exits non-zero now and then. ``import mmskr``
   registers an ``atexit`` handler that destroys the default process group
   while the interpreter is still whole (a no-op without a group, or if the
   program destroyed it), then collects garbage: torch 2.11's
   ``destroy_process_group`` leaves the gloo threads running while a DDP
   wrapper built with ``find_unused_parameters`` (the progressive GANs')
   still holds the group, and the Runner's reference cycles keep the
   wrappers alive until finalisation (the CI run of 2026-12-05 aborted so
   after 531 passed tests).
9. Distributed checkpoints that do not resume: with a model whose
   networks are wrapped separately (mmengine's
   ``MMSeparateDistributedDataParallel``, which mmagic's GAN configs use,
   and :class:`~mmskr.engine.NestedSeparateDistributedDataParallel`),
   mmengine 0.10.7's ``Runner.save_checkpoint`` writes
   ``model.state_dict()``, whose keys keep each inner DDP's ``module.``
   (``generator.module.conv.weight``), while ``Runner.load_checkpoint``
   (``mmengine.runner.checkpoint.load_state_dict``) unwraps every nested
   wrapper and looks for ``generator.conv.weight``; loading is not strict,
   so ``--resume`` of a ``dist_train.sh`` run logs "unexpected key" and
   goes on with freshly initialised networks (only the model's own buffers
   load), and ``init_model`` cannot read such a checkpoint either. The
   patched ``MMDistributedDataParallel.state_dict`` returns its network's
   keys without ``module.``, as ``mmengine.runner.checkpoint.get_state_dict``
   does: a distributed run writes the keys a single-process run writes.
"""
import importlib.machinery
import pickle
import sys
import types
from typing import Callable, List

_APPLIED: List[str] = []


class MissingMMCVOpsError(RuntimeError):
    """Raised when code calls a compiled mmcv op that mmcv-lite lacks."""


# --------------------------------------------------------------------------
# 1. numpy 2: np.bool8
# --------------------------------------------------------------------------
def patch_numpy_bool8() -> bool:
    """Alias ``np.bool8`` to ``np.bool_`` when numpy (>= 2) lacks it.

    Returns:
        bool: True if the alias was added.
    """
    import numpy as np
    if hasattr(np, 'bool8'):
        return False
    np.bool8 = np.bool_
    return True


# --------------------------------------------------------------------------
# 2. mmcv-lite: placeholder for the compiled extension ``mmcv._ext``
# --------------------------------------------------------------------------
class _MissingOp:
    """Stands in for one compiled op; calling it raises a clear error."""

    def __init__(self, name: str):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise MissingMMCVOpsError(
            f'mmcv op `{self.__name__}` was called, but mmcv-lite has no '
            'compiled ops. The models mmskr uses (SkrGAN, PGGAN, DCGAN, WGAN, '
            'WGAN-GP, ACGAN, Pix2Pix) need none; for others install mmcv '
            '2.1.0 built with ops (`mim install mmcv==2.1.0`).')


class _ExtPlaceholder(types.ModuleType):

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        return _MissingOp(name)


def install_mmcv_ext_placeholder() -> bool:
    """Register a placeholder ``mmcv._ext`` if the real one is missing.

    Returns:
        bool: True if the placeholder was installed.
    """
    if 'mmcv._ext' in sys.modules:
        return False
    import importlib.util
    try:
        if importlib.util.find_spec('mmcv._ext') is not None:
            return False  # mmcv-full: real ops
    except ModuleNotFoundError:
        return False  # no mmcv at all; nothing to patch
    module = _ExtPlaceholder('mmcv._ext')
    # loader None: tools that probe the spec see no real extension.
    module.__spec__ = importlib.machinery.ModuleSpec('mmcv._ext', None)
    module.__file__ = None
    module.mmskr_placeholder = True
    sys.modules['mmcv._ext'] = module
    return True


# --------------------------------------------------------------------------
# 3. safe checkpoint loading (mmengine#1655)
# --------------------------------------------------------------------------
def _history_buffer_getattr(obj, name: str):
    """``getattr`` restricted to what mmengine's ``HistoryBuffer`` pickles.

    ``HistoryBuffer`` keeps its statistics methods (``min``, ``max``,
    ``mean``, ``current`` and any registered with
    ``HistoryBuffer.register_statistics``) in a dict, which pickle writes as
    ``getattr(HistoryBuffer, 'min')``. Allow-listing the builtin ``getattr``
    would expose every attribute of every allowed object to a checkpoint, so
    the checkpoint's ``builtins.getattr`` is mapped to this function instead.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = {'min', 'max', 'mean', 'current'}
    allowed.update(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({obj!r}, {name!r}); only the '
        'statistics methods of mmengine HistoryBuffer are allowed. The file '
        'was not written by mmengine, or was tampered with: refusing to load '
        'it.')


def safe_checkpoint_globals() -> list:
    """The non-tensor globals mmengine 0.10.7 writes into checkpoints.

    Listed from ``pickletools`` dumps of checkpoints written by
    ``Runner.train()`` (message hub with ``HistoryBuffer`` objects holding
    numpy arrays; optimizer and parameter-scheduler state).

    Returns:
        list: entries for ``torch.serialization.add_safe_globals``.
    """
    import codecs
    import collections

    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer
    globs = [
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
        collections.OrderedDict,
        collections.defaultdict,
        np.ndarray,
        np.dtype,
        (codecs.encode, '_codecs.encode'),
    ]
    # numpy 2 pickles name numpy._core.multiarray, numpy 1 numpy.core...
    try:
        from numpy._core import multiarray as ma
        prefixes = ('numpy._core.multiarray', 'numpy.core.multiarray')
    except ImportError:  # numpy < 2
        from numpy.core import multiarray as ma
        prefixes = ('numpy.core.multiarray', )
    for prefix in prefixes:
        globs += [(ma._reconstruct, f'{prefix}._reconstruct'),
                  (ma.scalar, f'{prefix}.scalar')]
    # dtype classes (np.dtypes.Float64DType, ...) appear in numpy 2 pickles.
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        globs += [
            getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')
        ]
    return globs


def register_safe_checkpoint_globals() -> bool:
    """Allow-list mmengine's checkpoint types for ``weights_only`` loading.

    Returns:
        bool: True if the allow-list was extended.
    """
    import torch
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return False  # torch < 2.4 loads with weights_only=False anyway
    torch.serialization.add_safe_globals(safe_checkpoint_globals())
    return True


# --------------------------------------------------------------------------
# 4. init_info UnboundLocalError (mmagic#2109)
# --------------------------------------------------------------------------
def generation_init_weights(module, init_type: str = 'normal',
                            init_gain: float = 0.02) -> None:
    """Fixed ``mmagic.models.utils.generation_init_weights``.

    Same initialisation as upstream (normal | xavier | kaiming | orthogonal
    for conv/linear weights, N(1, init_gain) for BatchNorm2d), but init info is
    recorded only for modules that were initialised (upstream reads an unset
    ``init_info`` for every other module, mmagic#2109).
    """
    from mmengine.model import (kaiming_init, normal_init, update_init_info,
                                xavier_init)
    from torch.nn import init

    def init_func(m):
        classname = m.__class__.__name__
        if hasattr(m, 'weight') and (classname.find('Conv') != -1
                                     or classname.find('Linear') != -1):
            if init_type == 'normal':
                normal_init(m, 0.0, init_gain)
            elif init_type == 'xavier':
                xavier_init(m, gain=init_gain, distribution='normal')
            elif init_type == 'kaiming':
                kaiming_init(m, a=0, mode='fan_in',
                             nonlinearity='leaky_relu',
                             distribution='normal')
            elif init_type == 'orthogonal':
                init.orthogonal_(m.weight, gain=init_gain)
                init.constant_(m.bias.data, 0.0)
            else:
                raise NotImplementedError(
                    f"Initialization method '{init_type}' is not implemented")
            info = f"Initialize {classname} by 'init_type' {init_type}."
        elif classname.find('BatchNorm2d') != -1:
            normal_init(m, 1.0, init_gain)
            info = (f'{classname} is BatchNorm2d, initialize by Norm '
                    f'initialization with mean=1, std={init_gain}')
        else:
            return
        if hasattr(module, '_params_init_info'):
            update_init_info(module, info)

    module.apply(init_func)


def _dcgan_discriminator_init_weights(self) -> None:
    """Fixed ``DCGANDiscriminator.init_weights`` (mmagic#2109)."""
    import torch.nn as nn
    from mmengine.model import normal_init, update_init_info
    from torch.nn.modules.batchnorm import _BatchNorm
    if self.init_cfg is not None and self.init_cfg['type'] == 'Pretrained':
        # BaseModule's loader; super(type(self), ...) would recurse forever
        # in a subclass (e.g. ACGANDiscriminator)
        from mmagic.models.editors.dcgan.dcgan_discriminator import \
            DCGANDiscriminator
        super(DCGANDiscriminator, self).init_weights()
        return
    for m in self.modules():
        name = m.__class__.__name__
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            normal_init(m, 0, 0.02)
            info = (f'{name} belongs to (nn.Conv2d and nn.ConvTranspose2d), '
                    'initialize by normal distribution with 0 mean and 0.02 '
                    'std.')
        elif isinstance(m, _BatchNorm):
            nn.init.normal_(m.weight.data)
            nn.init.constant_(m.bias.data, 0)
            info = (f'{name} is BatchNorm, initialize weight by normal '
                    'distribution with unit mean and zero std, and initialize '
                    'bias as 0.')
        else:
            continue
        if hasattr(m, '_params_init_info'):
            update_init_info(m, info)


# modules that bind `generation_init_weights` by name at import time
_INIT_WEIGHTS_USERS = (
    'mmagic.models.utils',
    'mmagic.models.utils.model_utils',
    'mmagic.models.editors.pix2pix.pix2pix_generator',
    'mmagic.models.editors.cyclegan.cyclegan_generator',
    'mmagic.models.archs.patch_disc',
    'mmagic.models.archs.smpatch_disc',
)


# the upstream callables replaced by the patches, for tests and debugging
ORIGINALS: dict = {}


def fix_init_info() -> bool:
    """Replace the crashing init functions in mmagic (mmagic#2109)."""
    import importlib
    for name in _INIT_WEIGHTS_USERS:
        mod = importlib.import_module(name)
        ORIGINALS.setdefault(f'{name}.generation_init_weights',
                             mod.generation_init_weights)
        mod.generation_init_weights = generation_init_weights
    from mmagic.models.editors.dcgan import dcgan_discriminator
    cls = dcgan_discriminator.DCGANDiscriminator
    ORIGINALS.setdefault('DCGANDiscriminator.init_weights', cls.init_weights)
    cls.init_weights = _dcgan_discriminator_init_weights
    return True


# --------------------------------------------------------------------------
# 5. atomic local writes for checkpoints
# --------------------------------------------------------------------------
def _atomic_local_put(self, obj, filepath) -> None:
    """``LocalBackend.put`` that never leaves a half-written file
    (:func:`mmskr.utils.atomic_io.atomic_write_bytes`)."""
    from .utils.atomic_io import atomic_write_bytes
    atomic_write_bytes(obj, filepath)


def atomic_checkpoint_writes() -> bool:
    """Make mmengine's local file writes (checkpoints) atomic."""
    from mmengine.fileio.backends import local_backend
    cls = local_backend.LocalBackend
    ORIGINALS.setdefault('LocalBackend.put', cls.put)
    cls.put = _atomic_local_put
    return True


# --------------------------------------------------------------------------
# 6. distributed training on CPU-only machines
# --------------------------------------------------------------------------
def _cpu_backend(backend: str) -> str:
    if backend == 'nccl':
        import warnings
        warnings.warn('no CUDA device: using the gloo backend instead of nccl'
                      ' for distributed training on CPU')
        return 'gloo'
    return backend


def _destroy_process_group() -> None:
    import gc

    import torch.distributed as torch_dist
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.destroy_process_group()
        # the group outlives ``destroy_process_group`` while a DDP wrapper
        # with ``find_unused_parameters`` holds it, and wrappers live in the
        # Runner's reference cycles: collect them now, so the gloo worker
        # threads are joined while the interpreter is still whole
        gc.collect()


def destroy_process_group_at_exit() -> bool:
    """Destroy the default process group when Python exits (workaround 8).

    The handler does nothing when no group is initialised (never created,
    or destroyed by the program).
    """
    import atexit
    atexit.register(_destroy_process_group)
    return True


def _init_dist_pytorch_cpu_aware(backend, init_backend='torch', **kwargs):
    """mmengine's ``_init_dist_pytorch`` without ``cuda.set_device`` on CPU.
    """
    import torch
    if torch.cuda.is_available() or init_backend != 'torch':
        return ORIGINALS['_init_dist_pytorch'](
            backend, init_backend=init_backend, **kwargs)
    import os
    import torch.distributed as torch_dist
    torch_dist.init_process_group(
        backend=_cpu_backend(backend),
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs)


def _init_dist_slurm_cpu_aware(backend, port=None, init_backend='torch',
                               **kwargs):
    """mmengine's ``_init_dist_slurm``: SLURM env to torch env, on CPU too.
    """
    import torch
    if torch.cuda.is_available() or init_backend != 'torch':
        return ORIGINALS['_init_dist_slurm'](
            backend, port=port, init_backend=init_backend, **kwargs)
    import os
    import subprocess
    proc_id = int(os.environ['SLURM_PROCID'])
    ntasks = int(os.environ['SLURM_NTASKS'])
    node_list = os.environ['SLURM_NODELIST']
    addr = subprocess.getoutput(
        f'scontrol show hostname {node_list} | head -n1')
    os.environ.setdefault('MASTER_PORT', str(port or 29500))
    os.environ.setdefault('MASTER_ADDR', addr)
    os.environ['WORLD_SIZE'] = str(ntasks)
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
    os.environ['RANK'] = str(proc_id)
    _init_dist_pytorch_cpu_aware(backend, init_backend=init_backend,
                                 **kwargs)


def cpu_distributed_init() -> bool:
    """Let ``--launcher pytorch|slurm`` run on machines without CUDA."""
    from mmengine.dist import utils
    for name, fn in (('_init_dist_pytorch', _init_dist_pytorch_cpu_aware),
                     ('_init_dist_slurm', _init_dist_slurm_cpu_aware)):
        ORIGINALS.setdefault(name, getattr(utils, name))
        setattr(utils, name, fn)
    return True


# --------------------------------------------------------------------------
# 7. dumped configs of progressive GANs (sorted nkimgs_per_scale keys)
# --------------------------------------------------------------------------
def _scale_of(key) -> int:
    return int(str(key).split('x')[0])


def ordered_nkimgs_per_scale(nkimgs_per_scale: dict) -> dict:
    """``nkimgs_per_scale`` with its scales ascending ('4', '8', ..., '64').

    Args:
        nkimgs_per_scale (dict): ``{'4': kimg, '8': kimg, ...}`` in any
            order (keys ``'S'`` or ``'SxS'``, as mmagic accepts).

    Returns:
        dict: The same items ordered by scale.
    """
    return dict(sorted(nkimgs_per_scale.items(),
                       key=lambda kv: _scale_of(kv[0])))


def _pggan_init_ordered(self, generator, discriminator, data_preprocessor,
                        nkimgs_per_scale, *args, **kwargs):
    ORIGINALS['ProgressiveGrowingGAN.__init__'](
        self, generator, discriminator, data_preprocessor,
        ordered_nkimgs_per_scale(nkimgs_per_scale), *args, **kwargs)


def order_progressive_scales() -> bool:
    """Let a dumped (key-sorted) PGGAN/SkrGAN config build again."""
    from mmagic.models.editors.pggan import ProgressiveGrowingGAN
    ORIGINALS.setdefault('ProgressiveGrowingGAN.__init__',
                         ProgressiveGrowingGAN.__init__)
    ProgressiveGrowingGAN.__init__ = _pggan_init_ordered
    return True


# --------------------------------------------------------------------------
# 9. state dicts of separately wrapped networks without "module."
# --------------------------------------------------------------------------
def _ddp_state_dict_unwrapped(self, *args, destination=None, prefix='',
                              keep_vars=False):
    """``MMDistributedDataParallel.state_dict``: the wrapped network's
    entries under the wrapper's own prefix (no ``module.``)."""
    return self.module.state_dict(
        *args, destination=destination, prefix=prefix, keep_vars=keep_vars)


def unwrapped_ddp_state_dicts() -> bool:
    """Write checkpoint keys that mmengine's loader reads (workaround 9)."""
    from mmengine.model import MMDistributedDataParallel
    ORIGINALS.setdefault('MMDistributedDataParallel.state_dict',
                         MMDistributedDataParallel.state_dict)
    MMDistributedDataParallel.state_dict = _ddp_state_dict_unwrapped
    return True


# --------------------------------------------------------------------------
_EARLY: List[Callable[[], bool]] = [
    patch_numpy_bool8, install_mmcv_ext_placeholder,
    register_safe_checkpoint_globals
]
_LATE: List[Callable[[], bool]] = [
    fix_init_info, atomic_checkpoint_writes, cpu_distributed_init,
    order_progressive_scales, destroy_process_group_at_exit,
    unwrapped_ddp_state_dicts
]


def apply_early() -> None:
    """Fixes that must run before mmagic is imported."""
    for fn in _EARLY:
        if fn.__name__ not in _APPLIED:
            fn()
            _APPLIED.append(fn.__name__)


def apply_late() -> None:
    """Fixes that patch mmagic classes (imports ``mmagic.models``)."""
    for fn in _LATE:
        if fn.__name__ not in _APPLIED:
            fn()
            _APPLIED.append(fn.__name__)


def apply() -> None:
    """Apply every workaround (idempotent)."""
    apply_early()
    apply_late()


def applied() -> List[str]:
    """Names of the workarounds applied in this process."""
    return list(_APPLIED)
