"""``--resume`` refuses a checkpoint that lacks weights of the model."""
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import get_state_dict


class IncompleteCheckpointError(ValueError):
    """A checkpoint to resume from lacks entries of the model's state."""


@HOOKS.register_module()
class ResumeCheckHook(Hook):
    """Stop a resume whose checkpoint does not hold the whole model.

    mmengine loads a resumed checkpoint with ``strict=False``: an entry the
    model has and the checkpoint lacks is logged as "missing keys" and keeps
    its freshly initialised value, so the run goes on with new networks
    under the old iteration count (how workaround 9 of :mod:`mmskr.compat`
    showed: distributed checkpoints with ``module.`` in their keys). This
    hook compares the checkpoint's ``state_dict`` keys with the model's
    (nested wrappers unwrapped, as mmengine's loader does) before anything
    is loaded, and raises :class:`IncompleteCheckpointError` naming the file
    and the first missing keys. Loading weights with ``load_from`` alone (a
    new run) is not checked: there a partial match can be intended.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Raise before the Runner copies anything into the model."""
        if not getattr(runner, '_resume', False):
            return
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        missing = sorted(
            set(get_state_dict(model)) - set(checkpoint.get('state_dict', {})))
        if missing:
            shown = ', '.join(missing[:5])
            raise IncompleteCheckpointError(
                f'cannot resume from {getattr(runner, "_load_from", None)!r}: '
                f'its state_dict lacks {len(missing)} entries of the model '
                f'({shown}{", ..." if len(missing) > 5 else ""}); resuming '
                'would train those from fresh initial values. Resume from a '
                'checkpoint this config wrote, or start a new run with '
                'load_from (which loads what matches).')
