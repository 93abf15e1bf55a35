"""Shared helpers for the mmskr models."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine import MessageHub


def scheduled_stage(cum_nkimgs: Sequence[float],
                    shown_nkimg: float) -> Tuple[int, float]:
    """Stage of a progressive schedule after ``shown_nkimg`` kimg.

    The rule of mmagic's ``ProgressiveGrowingGAN`` (stage ``k`` once
    ``cum_nkimgs[k-1]`` kimg have been shown, the last stage at most), with
    the stage's start read from the schedule, so it is the same after a
    ``--resume``. Used by SkrGAN's sketch module, the PGGAN baseline and
    the benchmarks.

    Args:
        cum_nkimgs (Sequence[float]): Cumulative kimg per scale
            (``ProgressiveGrowingGAN.cum_nkimgs``).
        shown_nkimg (float): Thousands of images shown so far.

    Returns:
        tuple: ``(stage, start)``: stage index and the kimg it started at.
    """
    cum = np.asarray(cum_nkimgs, dtype=float)
    stage = int(min(np.sum(cum <= shown_nkimg), len(cum) - 1))
    return stage, float(cum[stage - 1]) if stage > 0 else 0.


class NonFiniteLossError(FloatingPointError):
    """A training loss became NaN or infinite."""


def check_finite(log_vars: Dict[str, object],
                 model_name: str,
                 iteration: Optional[int] = None) -> None:
    """Stop training when a logged loss is NaN or infinite.

    Raising inside ``train_step`` ends ``Runner.train()`` before the next
    checkpoint is written, so the last checkpoint on disk is the last good one.

    Args:
        log_vars (dict): Loss values of one step (floats or scalar
            tensors); other entries are ignored.
        model_name (str): Name shown in the message.
        iteration (int, optional): Current iteration; read from the message
            hub when None.

    Raises:
        NonFiniteLossError: Names every non-finite loss and the iteration.
    """
    scalars = {
        k: v
        for k, v in log_vars.items()
        if isinstance(v, float) or (isinstance(v, torch.Tensor)
                                    and v.numel() == 1)
    }
    if not scalars:
        return
    values = torch.stack([
        torch.as_tensor(v, dtype=torch.float32).detach().reshape(()).cpu()
        for v in scalars.values()
    ])
    finite = torch.isfinite(values)  # one host transfer for all losses
    if bool(finite.all()):
        return
    bad = {
        k: float(v)
        for (k, v), ok in zip(scalars.items(), finite.tolist()) if not ok
    }
    if iteration is None:
        iteration = MessageHub.get_current_instance().get_info('iter', -1)
    names = ', '.join(f'{k}={v}' for k, v in sorted(bad.items()))
    raise NonFiniteLossError(
        f'{model_name}: non-finite loss at iteration {iteration + 1} '
        f'({names}). Training stopped; the last checkpoint in the work dir '
        'is the last good one. Lower the learning rate or enable gradient '
        'clipping, then resume with --resume.')
