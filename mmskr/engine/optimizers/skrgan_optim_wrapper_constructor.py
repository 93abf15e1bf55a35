"""Optimizer wrappers for the two modules of SkrGAN."""
from copy import deepcopy
from typing import Optional

import torch.nn as nn
from mmagic.engine.optimizers import (MultiOptimWrapperConstructor,
                                     PGGANOptimWrapperConstructor)
from mmagic.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict

from ...models.editors.skrgan.skrgan import RENDER_PREFIX, SKETCH_PREFIX


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SkrGANOptimWrapperConstructor:
    """Builds SkrGAN's optimizers with mmagic's own constructors.

    * ``sketch``: given to ``PGGANOptimWrapperConstructor`` for
      ``model.sketch_gan`` (one wrapper per scale: ``generator_{scale}``,
      ``discriminator_{scale}``; paper: Adam, lr 0.001);
    * ``render``: given to ``MultiOptimWrapperConstructor`` for
      ``model.renderer`` (``generators``, ``discriminators``; paper: Adam,
      lr 0.0002).

    The result is one ``OptimWrapperDict`` whose keys carry the prefixes
    ``sketch_`` and ``render_`` (``sketch_generator_64``,
    ``render_generators``, ...); checkpoints save and resume all of them.

    Example:
        >>> optim_wrapper = dict(
        >>>     constructor='SkrGANOptimWrapperConstructor',
        >>>     sketch=dict(
        >>>         generator=dict(optimizer=dict(
        >>>             type='Adam', lr=0.001, betas=(0., 0.99))),
        >>>         discriminator=dict(optimizer=dict(
        >>>             type='Adam', lr=0.001, betas=(0., 0.99)))),
        >>>     render=dict(
        >>>         generators=dict(optimizer=dict(
        >>>             type='Adam', lr=2e-4, betas=(0.5, 0.999))),
        >>>         discriminators=dict(optimizer=dict(
        >>>             type='Adam', lr=2e-4, betas=(0.5, 0.999)))))

    Args:
        optim_wrapper_cfg (dict): With ``sketch`` and ``render`` entries.
        paramwise_cfg (dict, optional): Not supported at this level; set it
            inside each entry.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        if paramwise_cfg is not None:
            raise ValueError('set paramwise_cfg inside optim_wrapper.sketch '
                             'or optim_wrapper.render')
        cfg = deepcopy(optim_wrapper_cfg)
        missing = {'sketch', 'render'} - set(cfg)
        if missing:
            raise KeyError(
                f'SkrGAN optim_wrapper needs {sorted(missing)} entries, got '
                f'{sorted(cfg)}')
        sketch = dict(cfg.pop('sketch'))
        # upstream indexes lr_schedule[key] for every optimizer key
        schedule = dict(sketch.get('lr_schedule', dict()))
        for key in sketch:
            if key not in ('lr_schedule', 'reset_optim_for_new_scale'):
                schedule[key] = dict(schedule.get(key, dict()))
        sketch['lr_schedule'] = schedule
        self.sketch = PGGANOptimWrapperConstructor(sketch)
        self.render = MultiOptimWrapperConstructor(cfg.pop('render'))
        if cfg:
            raise KeyError(f'unknown optim_wrapper entries {sorted(cfg)}')

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if is_model_wrapper(model):
            model = model.module
        wrappers = {}
        for prefix, builder, sub in ((SKETCH_PREFIX, self.sketch,
                                      model.sketch_gan),
                                     (RENDER_PREFIX, self.render,
                                      model.renderer)):
            for k, v in builder(sub).items():
                wrappers[prefix + k] = v
        return OptimWrapperDict(**wrappers)
