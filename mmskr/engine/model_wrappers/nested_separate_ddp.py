"""DDP for models made of GANs: wrap every leaf network separately.

mmengine's ``MMSeparateDistributedDataParallel`` (what mmagic's GAN configs
use) wraps each *direct* child of the model in its own DDP. That fits a
plain GAN (children ``generator``, ``discriminator``) but not SkrGAN, whose
children are two whole models (``sketch_gan``: mmagic's PGGAN;
``renderer``: mmagic's Pix2Pix) that SkrGAN trains by calling their
methods (``train_on_reals``, ``train_on_pairs``); a DDP-wrapped child
hides those methods. And DDP around a ``ModuleDict`` (Pix2Pix's
``generators``) never runs its ``forward``: mmagic unwraps it and calls the
entries, so DDP would not all-reduce their gradients.

This wrapper walks the model and wraps the networks themselves: a child
that is a model with its own ``train_step`` is entered, a ``ModuleDict`` is
entered, every other child with trainable parameters is wrapped in
``MMDistributedDataParallel`` (:class:`TransparentDDP`). For a plain GAN it does what
``MMSeparateDistributedDataParallel`` does. Every network is then called
through its DDP ``forward``, so each backward pass all-reduces its
gradients and the ranks stay identical.

Registered in mmengine's root ``MODEL_WRAPPERS``, not mmagic's:
``Runner.wrap_model`` looks the type up with ``MODEL_WRAPPERS.get`` on the
root registry, which does not search scoped children.
"""
from typing import List

from mmengine.device import get_device
from mmengine.model import (MMDistributedDataParallel,
                            MMSeparateDistributedDataParallel)
from mmengine.registry import MODEL_WRAPPERS
from torch import nn
from torch.nn.parallel import DistributedDataParallel

__all__ = ['NestedSeparateDistributedDataParallel', 'TransparentDDP']


class TransparentDDP(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that reads unknown attributes from the
    wrapped network, so model code written for the bare network
    (``self.generators[d].init_weights()`` in mmagic's Pix2Pix,
    ``generator.out_channels``) keeps working; calls still go through DDP's
    ``forward``."""

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(super().__getattr__('module'), name)


@MODEL_WRAPPERS.register_module()
class NestedSeparateDistributedDataParallel(MMSeparateDistributedDataParallel
                                            ):
    """Wrap each leaf network of a (nested) generative model in DDP.

    Args:
        module (nn.Module): The model (e.g. ``SkrGAN``).
        broadcast_buffers (bool): See DDP. Default: False.
        find_unused_parameters (bool): See DDP; True for progressive GANs
            (layers of other resolutions are unused). Default: False.
        **kwargs: Passed to each ``MMDistributedDataParallel`` (for example
            ``device_ids``; None on CPU).
    """

    def __init__(self,
                 module: nn.Module,
                 broadcast_buffers: bool = False,
                 find_unused_parameters: bool = False,
                 **kwargs):
        # skip MMSeparateDistributedDataParallel's and DDP's __init__, as
        # MMSeparateDistributedDataParallel itself does
        super(DistributedDataParallel, self).__init__()
        self.module = module
        self.wrapped: List[str] = []
        self._wrap(module, '', get_device(),
                   dict(broadcast_buffers=broadcast_buffers,
                        find_unused_parameters=find_unused_parameters,
                        **kwargs))

    def _wrap(self, parent: nn.Module, prefix: str, device: str,
              ddp_args: dict) -> None:
        for name, child in parent._modules.items():
            if child is None:
                continue
            path = prefix + name
            trainable = any(p.requires_grad for p in child.parameters())
            if not trainable:
                parent._modules[name] = child.to(device)
            elif isinstance(child, nn.ModuleDict) or hasattr(
                    child, 'train_step'):
                self._wrap(child, path + '.', device, ddp_args)
            else:
                parent._modules[name] = TransparentDDP(
                    module=child.to(device), **ddp_args)
                self.wrapped.append(path)
