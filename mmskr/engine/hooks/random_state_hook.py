"""The global random generators saved with every checkpoint and put back
on ``--resume``, so an interrupted run goes on as if it had not stopped."""
import random
from typing import List, Optional

import numpy as np
import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

#: Checkpoint key of the saved states (a list over ranks).
KEY = 'random_state'


def get_random_state() -> dict:
    """The state of every global generator of this process.

    Returns:
        dict: ``python`` (``random.getstate()``: a tuple of ints),
        ``numpy`` (the legacy global ``MT19937``: name, 624 keys as an
        int64 tensor, position, has_gauss, cached gaussian), ``torch`` (the
        CPU generator's uint8 state) and ``cuda`` (a list, one uint8 state
        per visible device; empty without CUDA). Only tensors, ints, floats,
        strings and tuples, so ``weights_only`` loading accepts it.
    """
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    cuda = [s.cpu() for s in torch.cuda.get_rng_state_all()] \
        if torch.cuda.is_available() else []
    return dict(
        python=random.getstate(),
        numpy=(name, torch.from_numpy(keys.astype(np.int64)), int(pos),
               int(has_gauss), float(gauss)),
        torch=torch.get_rng_state(),
        cuda=cuda)


def set_random_state(state: dict) -> List[str]:
    """Put back what :func:`get_random_state` returned.

    Args:
        state (dict): A state of :func:`get_random_state`.

    Returns:
        list[str]: The generators that could not be restored (``cuda``
        when the saved and the visible device counts differ).
    """
    random.setstate(state['python'])
    name, keys, pos, has_gauss, gauss = state['numpy']
    np.random.set_state(
        (name, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    torch.set_rng_state(state['torch'])
    saved = state.get('cuda', [])
    visible = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if saved and len(saved) == visible:
        torch.cuda.set_rng_state_all(saved)
    elif saved:
        return ['cuda']
    return []


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Exact ``--resume``: the random generators travel in the checkpoint.

    mmengine's resume restores weights, optimisers, schedulers and the
    message hub, re-seeds from ``randomness.seed`` and replays the data
    loader to the resumed iteration, but the global generators the training
    step draws from (DiffAugment's shifts and cutouts, the noise ``z``, the
    numpy draws of a pipeline with ``num_workers=0``) start again from the
    seed, so an interrupted run leaves the uninterrupted one at its first
    resumed step. This hook stores, in every checkpoint, the states of
    Python's ``random``, numpy's global generator, torch's CPU generator
    and every CUDA device's, of every rank (``checkpoint['random_state']``,
    a list indexed by rank), and puts this rank's back after the replay,
    just before the first batch after the resume is drawn (a pipeline with
    ``num_workers=0`` draws in the main process, before
    ``before_train_iter``). An interrupted run's
    weights then equal an uninterrupted run's bit for bit wherever its
    kernels are deterministic (CPU; cuDNN only with
    ``randomness.deterministic=True``).

    The states are taken at the end of every iteration, on every rank
    (gathered to each rank; mmengine writes a checkpoint from rank 0 alone),
    at priority 85: after every other hook of the iteration, which may draw
    (sample grids, renderer calibration), and before ``CheckpointHook``
    (``VERY_LOW``, 90) writes them. They go back from the loop's data
    iterator, which ``before_train_epoch`` wraps so that its first ``next``
    after the replay restores them (an epoch-based loop resumes at an epoch
    boundary, without replay: there they go back in ``before_train_epoch``).

    Nothing is restored when the checkpoint has no states (written before
    this hook, or by another tool), when it was written by another number
    of ranks, or when it is only loaded as initial weights (``load_from``);
    a warning names the first two cases. Worker processes of the data
    loader are not covered: mmengine seeds them from the seed and the
    replay repeats their draws.
    """
    priority = 85

    def __init__(self) -> None:
        self._latest: Optional[list] = None  # every rank's states
        self._pending: Optional[dict] = None  # this rank's loaded states

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """Take every rank's states (a collective: all ranks call it)."""
        self._latest = all_gather_object(get_random_state())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Write the states of the iteration just ended (rank 0)."""
        if self._latest is not None:
            checkpoint[KEY] = self._latest

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the loaded states until the first iteration runs (only when
        resuming: ``load_from`` alone starts a new run)."""
        if not getattr(runner, '_resume', False):
            return
        states = checkpoint.get(KEY)
        if states is None:
            runner.logger.warning(
                'the checkpoint holds no random generator states (written '
                'without RandomStateHook): a resumed run draws from the '
                'seed again and will not repeat an uninterrupted one')
        elif len(states) != get_world_size():
            runner.logger.warning(
                f'the checkpoint holds the random generator states of '
                f'{len(states)} ranks, this run has {get_world_size()}: '
                'the generators start from the seed')
        else:
            self._pending = states[get_rank()]

    def before_train_epoch(self, runner) -> None:
        """Restore the states before the first batch after a resume."""
        if self._pending is None:
            return
        states, self._pending = self._pending, None
        loop = runner.train_loop

        def restore() -> None:
            missed = set_random_state(states)
            if missed:
                runner.logger.warning(
                    f'random generator states not restored: {missed} '
                    '(saved with another number of devices)')

        if hasattr(loop, 'dataloader_iterator'):  # iteration-based
            loop.dataloader_iterator = _RestoreAfter(
                loop, loop.dataloader_iterator, loop.iter, restore)
        else:
            restore()


class _RestoreAfter:
    """The loop's data iterator, calling ``restore`` (once) before the
    batch that follows the first ``skip`` batches (the resume's replay),
    then handing the loop its own iterator back."""

    def __init__(self, loop, iterator, skip: int, restore) -> None:
        self._loop, self._iterator = loop, iterator
        self._skip, self._restore = skip, restore

    def __iter__(self):
        return self

    def __next__(self):
        if self._skip > 0:
            self._skip -= 1
            return next(self._iterator)
        self._restore()
        self._loop.dataloader_iterator = self._iterator
        return next(self._iterator)

    def __getattr__(self, name: str):
        return getattr(self._iterator, name)
