"""Mixed precision on CPU: bf16 autocast with float32 master weights."""
from contextlib import contextmanager
from typing import Union

import torch
from mmengine.optim import OptimWrapper

from mmagic.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """mmengine's ``OptimWrapper`` with the forward under CPU autocast.

    mmengine's ``AmpOptimWrapper`` refuses to run without a GPU. On a CPU
    with AVX-512 BF16 (or AMX), oneDNN runs convolutions and matrix products
    in bfloat16; this wrapper gives them that: inside
    :meth:`optim_context` the model's forward and losses run under
    ``torch.autocast('cpu', dtype=torch.bfloat16)`` (ops autocast lists as
    precision-sensitive stay float32). Parameters, gradients and the
    optimiser state stay float32 (autocast casts copies per op), so a
    checkpoint is an ordinary float32 one. bfloat16 has float32's exponent
    range, so there is no loss scaling (unlike float16 AMP).

    Every mmagic GAN and every mmskr model runs its forward inside
    ``optim_wrapper.optim_context(network)``, so a config uses it per
    network wrapper: ``dict(type='CPUAmpOptimWrapper', optimizer=...)``
    (``tools/train.py --amp`` does so when no GPU is present).

    Args:
        dtype (str | torch.dtype): Autocast dtype; only ``'bfloat16'``
            (CPU autocast of float16 is slower than float32 here).
        **kwargs: ``OptimWrapper``'s arguments.
    """

    def __init__(self, dtype: Union[str, torch.dtype] = 'bfloat16', **kwargs):
        if dtype not in ('bfloat16', torch.bfloat16):
            raise ValueError(f"CPUAmpOptimWrapper autocasts to 'bfloat16' "
                             f'only, got dtype={dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        """mmengine's context (gradient accumulation) plus CPU autocast."""
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
