"""Throughput and memory of training steps, data loading and metrics.

Used by ``benchmarks/perf.py``. Every figure is measured on real images of
the data root: a training step is the model's own ``train_step`` (mmengine
optimiser wrappers, the config's losses) on one batch of 16 real images (and
their sketch drafts) at the requested size; warm-up iterations run first and
the reported time is the median over blocks of ``discriminator_steps``
iterations (so WGAN's generator step is counted once every 5 critic steps).

Sizes: a config's model is rebuilt at 64/128/256/512 px by
:func:`model_cfg_at_size` (progressive models train at their last stage with
the fade-in over, the U-Net gets one down level per power of two).
"""
import math
import resource
import time
from copy import deepcopy
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
from mmengine.config import ConfigDict
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope

from mmskr.apis import load_config
from mmskr.engine.runner_utils import amp_optim_wrapper_cfg
from mmskr.models.utils import scheduled_stage

__all__ = [
    'PROGRESSIVE_TYPES', 'model_cfg_at_size', 'pipeline_at_size',
    'real_batch', 'build_model_and_optim', 'compile_networks',
    'time_train_steps',
    'finish_progressive_schedule', 'stock_pggan_cfg', 'stock_pix2pix_cfg',
    'peak_memory_mib', 'amp_optim_wrapper_cfg',
    'samples_data', 'labelled_samples_data'
]

PROGRESSIVE_TYPES = ('FullResolutionPGGAN', 'ProgressiveGrowingGAN',
                     'ProgressiveSketchGAN')


# --------------------------------------------------------------------------
# configs at another size
# --------------------------------------------------------------------------
def _progressive_at_size(model: ConfigDict, size: int) -> None:
    model.generator.out_scale = size
    model.discriminator.in_scale = size
    old = {int(str(k).split('x')[0]): v
           for k, v in model.nkimgs_per_scale.items()}
    new, last = {}, None
    for scale in (2**i for i in range(2, int(math.log2(size)) + 1)):
        last = old.get(scale, last)
        new[str(scale)] = last
    model.nkimgs_per_scale = new


def model_cfg_at_size(model: ConfigDict, size: int) -> ConfigDict:
    """A copy of a model config that generates ``size`` x ``size`` images.

    Args:
        model (ConfigDict): ``cfg.model`` of a SkrGAN, PGGAN, DCGAN, WGAN,
            ACGAN or WGAN-GP config of this project.
        size (int): Power of two, >= 8.

    Returns:
        ConfigDict: The resized copy (widths unchanged).

    Raises:
        ValueError: ``size`` is not a power of two, or the model type is not
            one of the above.
    """
    if size < 8 or size & (size - 1):
        raise ValueError(f'size must be a power of two >= 8, got {size}')
    model = deepcopy(model)
    kind = model.type
    if kind == 'SkrGAN':
        _progressive_at_size(model.sketch_gan, size)
        model.renderer.generator.num_down = int(math.log2(size))
    elif kind in PROGRESSIVE_TYPES:
        _progressive_at_size(model, size)
    elif 'output_scale' in model.generator:  # DCGAN, WGAN, ACGAN
        model.generator.output_scale = size
        model.discriminator.input_scale = size
    elif 'out_scale' in model.generator:  # WGAN-GP
        model.generator.out_scale = size
        model.discriminator.in_scale = size
        for net in (model.generator, model.discriminator):
            widths = net.get('channels_per_scale')
            if widths:
                last = widths[str(max(int(k) for k in widths))]
                net.channels_per_scale = {
                    str(2**i): widths.get(str(2**i), last)
                    for i in range(2, int(math.log2(size)) + 1)
                }
    else:
        raise ValueError(f'do not know how to resize a {kind} model')
    return model


def pipeline_at_size(pipeline: List[dict], size: int) -> List[dict]:
    """The pipeline with every ``Resize`` set to ``size`` x ``size``."""
    from mmskr.datasets.transforms.cached import flat_pipeline
    out = deepcopy(pipeline)
    for step in flat_pipeline(out):
        if step.get('type') == 'Resize':
            step['scale'] = (size, size)
    return out


def finish_progressive_schedule(model: torch.nn.Module) -> None:
    """Move a progressive GAN to its last stage with the fade-in over.

    Works for mmagic's ``ProgressiveGrowingGAN`` and its subclasses (the
    PGGAN baseline, SkrGAN's sketch module); SkrGAN is handled through its
    ``sketch_gan``. Models without a progressive schedule are left as they
    are.
    """
    gan = getattr(model, 'sketch_gan', model)
    if not hasattr(gan, 'cum_nkimgs'):
        return
    last, start = scheduled_stage(gan.cum_nkimgs, float('inf'))
    shown = start + float(gan.transition_kimgs) + 1e-3
    gan.shown_nkimg.fill_(shown)
    # mmagic's own train_step measures the fade-in from _actual_nkimgs
    gan.prev_stage = last
    gan._actual_nkimgs = [start]


# --------------------------------------------------------------------------
# models and batches
# --------------------------------------------------------------------------
def compile_networks(model: torch.nn.Module) -> List[str]:
    """Compile (``torch.compile``, inductor) every network of a model in
    place: each ``generator`` / ``discriminator`` of a model (mmagic's
    Pix2Pix keeps them in ``generators`` / ``discriminators`` dicts;
    SkrGAN's nested models included), not the EMA copies, which only sample.

    Returns:
        list[str]: The compiled modules' names.
    """
    from mmengine.model import BaseModel
    done = []
    for name, child in model.named_modules():
        path = name.split('.')
        parent = model.get_submodule('.'.join(path[:-1]))
        single = path[-1] in ('generator', 'discriminator') and isinstance(
            parent, BaseModel)
        in_dict = len(path) > 1 and path[-2] in (
            'generators', 'discriminators') and isinstance(
                parent, torch.nn.ModuleDict)
        if single or in_dict:
            child.compile()
            done.append(name)
    return done


def build_model_and_optim(model_cfg: ConfigDict,
                          optim_cfg: ConfigDict,
                          device: str = 'cpu',
                          channels_last: bool = False,
                          compile: bool = False):
    """Build, initialise and move a model; build its optimiser wrappers.

    ``compile`` compiles its networks (:func:`compile_networks`) after the
    optimisers are built (the parameters are the same tensors).

    Returns:
        tuple: ``(model, optim_wrapper)`` with the model in train mode.
    """
    import mmskr  # noqa: F401  (registers the plugin, applies compat)
    from mmagic.registry import MODELS
    from mmengine.optim import build_optim_wrapper
    init_default_scope('mmagic')
    model = MODELS.build(model_cfg)
    model.init_weights()
    model = model.to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    model.train()
    optim = build_optim_wrapper(model, optim_cfg)
    if compile:
        compile_networks(model)
    return model, optim


def real_batch(config,
               size: int,
               batch_size: int = 16,
               sketches: bool = True,
               data_root: Optional[str] = None) -> Dict[str, torch.Tensor]:
    """The first ``batch_size`` real images of a config's training set.

    Args:
        config (str | Config): A config of this project (its data root,
            data set and ``sketch_train_pipeline``/``train_pipeline``).
        size (int): Resize target.
        batch_size (int): Number of images.
        sketches (bool): Also return their sketch drafts.
        data_root (str, optional): Replaces the config's data root.

    Returns:
        dict: ``gt_img`` (N, C, S, S) and, with ``sketches``, ``gt_sketch``
        (N, 1, S, S), float tensors in [0, 255] as the pipeline packs them.
    """
    import mmskr  # noqa: F401
    cfg = load_config(config, data_root)
    from mmagic.registry import DATASETS
    name = 'sketch_train_pipeline' if sketches else 'train_pipeline'
    dataset_cfg = deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.pipeline = pipeline_at_size(cfg[name], size)
    dataset_cfg.min_images = batch_size
    dataset = DATASETS.build(dataset_cfg)
    if len(dataset) < batch_size:
        raise ValueError(f'the data set has {len(dataset)} images, fewer '
                         f'than the batch size {batch_size}')
    keys = ['gt_img'] + (['gt_sketch'] if sketches else [])
    out = {k: [] for k in keys}
    for i in range(batch_size):
        sample = dataset[i]['data_samples']
        for k in keys:
            out[k].append(sample.get(k).float())
    return {k: torch.stack(v) for k, v in out.items()}


def samples_data(**fields: torch.Tensor) -> dict:
    """Model input of ``DataSample``s carrying per-image ``fields``."""
    from mmagic.structures import DataSample
    n = len(next(iter(fields.values())))
    return dict(
        inputs={},
        data_samples=[
            DataSample(**{k: v[i]
                          for k, v in fields.items()}) for i in range(n)
        ])


def labelled_samples_data(gt_img: torch.Tensor, labels: torch.Tensor) -> dict:
    """Like :func:`samples_data`, with class labels as mmagic's gt_label."""
    data = samples_data(gt_img=gt_img)
    for sample, label in zip(data['data_samples'], labels):
        sample.set_gt_label(label)
    return data


def stock_pggan_cfg(sketch_gan: ConfigDict) -> ConfigDict:
    """mmagic's PGGAN with the widths and schedule of SkrGAN's G_S/D_S.

    mmagic's ``PGGANGenerator`` has a fixed 3-channel output, so the stock
    model works on the sketch repeated to 3 channels; its reals are
    upstream's (bilinear, no fade-in).
    """
    cfg = deepcopy(sketch_gan)
    cfg.type = 'ProgressiveGrowingGAN'
    for key in ('sketch_key', 'interp_real', 'real_fade_in'):
        cfg.pop(key, None)
    cfg.generator.type = 'PGGANGenerator'
    for key in ('out_channels', 'latent_code', 'out_act'):
        cfg.generator.pop(key, None)
    cfg.discriminator.in_channels = 3
    return cfg


def stock_pix2pix_cfg(renderer: ConfigDict) -> ConfigDict:
    """mmagic's Pix2Pix with SkrGAN's G_P/D_P and loss (lambda = 100)."""
    return ConfigDict(
        type='Pix2Pix',
        data_preprocessor=dict(type='DataPreprocessor'),
        generator=deepcopy(renderer.generator),
        discriminator=deepcopy(renderer.discriminator),
        loss_config=deepcopy(
            renderer.get('loss_config', dict(pixel_loss_weight=100.))),
        default_domain='image',
        reachable_domains=['image'],
        related_domains=['image', 'sketch'])


# --------------------------------------------------------------------------
# timing and memory
# --------------------------------------------------------------------------
def _sync(device: str) -> None:
    if str(device).startswith('cuda'):
        torch.cuda.synchronize()


def time_train_steps(step: Callable[[], object],
                     block: int = 1,
                     warmup_blocks: int = 2,
                     blocks: int = 5,
                     device: str = 'cpu',
                     max_seconds: Optional[float] = None) -> dict:
    """Seconds per iteration of ``step`` (median over blocks).

    Args:
        step (callable): One training iteration; the MessageHub's ``iter``
            is set before each call (GANs decide their generator steps on
            it).
        block (int): Iterations per timed block (the model's
            ``discriminator_steps``).
        warmup_blocks (int): Untimed blocks first.
        blocks (int): Timed blocks.
        device (str): For CUDA synchronisation and peak memory.
        max_seconds (float, optional): Stop timing after the block that
            crosses it (at least one timed block).

    Returns:
        dict: ``seconds_per_iter`` (median), ``seconds_per_iter_all``,
        ``warmup_seconds``.
    """
    hub = MessageHub.get_current_instance()
    it = 0

    def run_block() -> float:
        nonlocal it
        _sync(device)
        t0 = time.perf_counter()
        for _ in range(block):
            hub.update_info('iter', it)
            step()
            it += 1
        _sync(device)
        return (time.perf_counter() - t0) / block

    t0 = time.perf_counter()
    for _ in range(warmup_blocks):
        run_block()
    warmup = time.perf_counter() - t0
    if str(device).startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
    times, t0 = [], time.perf_counter()
    for _ in range(blocks):
        times.append(run_block())
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            break
    return dict(
        seconds_per_iter=float(np.median(times)),
        seconds_per_iter_all=[round(t, 5) for t in times],
        warmup_seconds=round(warmup, 3))


def peak_memory_mib(device: str = 'cpu') -> float:
    """GPU: max allocated since the last reset; CPU: the process's peak RSS.
    """
    if str(device).startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**20
    # ru_maxrss is KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.
