"""Channels-last memory format for the convolutions of any model."""
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store every 4-D parameter and buffer of the model channels-last
    (NHWC) before training starts.

    oneDNN's CPU convolutions are faster on NHWC for the narrow CPU
    networks here (``benchmarks/perf.py --parts amp``: the ``channels_last``
    column); their results differ from NCHW only by float rounding. Inputs
    stay NCHW: the first convolution converts them. Conversion happens in
    ``before_train``, after the Runner has loaded or resumed a checkpoint,
    and ``load_state_dict`` copies into the existing tensors, so a resumed
    run keeps the format; checkpoints hold the same values either way.

    Every method's config takes it the same way (``tools/train.py
    --channels-last`` adds it), so a comparison can give it to all.
    """
    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        import torch
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        for module in model.modules():
            for name, tensor in list(module.named_parameters(recurse=False)) \
                    + list(module.named_buffers(recurse=False)):
                if tensor is not None and tensor.dim() == 4:
                    tensor.data = tensor.data.contiguous(
                        memory_format=torch.channels_last)
