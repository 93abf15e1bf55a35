"""Seeded sampling and real-image loading shared by tools and benchmarks.

Every generated image is reproducible from (config, checkpoint, seed): image
``k`` of a call with seeds ``[s0, s1, ...]`` uses the noise vector drawn from
``torch.Generator().manual_seed(s_k)`` alone (and, for a conditional model,
the label :func:`seeded_labels` draws for ``s_k``), whatever the batch size
and whatever ran before in the process.
"""
import copy
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from torch import nn

from ..utils.uint8 import tensor_to_uint8

__all__ = [
    'LABEL_SEED_OFFSET', 'dataset_images', 'generate_images', 'init_model',
    'load_config', 'load_real_images', 'seeded_labels', 'seeded_noise'
]


def _scope(cfg: Config) -> None:
    """Make mmagic's registries the default (the configs' default_scope)."""
    name = cfg.get('default_scope', 'mmagic')
    if DefaultScope.get_current_instance() is None or (
            DefaultScope.get_current_instance().scope_name != name):
        DefaultScope.get_instance(f'mmskr-apis-{name}', scope_name=name)


def load_config(config, data_root: Optional[str] = None) -> Config:
    """A config object, its scope made the default, its image channels and
    switches applied (:func:`~mmskr.apis.config_from_data.
    apply_data_channels`, :func:`~mmskr.apis.config_switches.
    apply_diff_augment`).

    Args:
        config (str | Config): Config file or object (not modified).
        data_root (str, optional): Replaces ``data_root`` of every
            ``{train,val,test}_dataloader.dataset`` that has one (the
            configs' ``MMSKR_DATA_ROOT`` default), as ``--data-root`` does
            for ``tools/train.py``.

    Raises:
        FileNotFoundError: no such config file, or ``data_root`` is not a
            folder.
    """
    if not isinstance(config, Config):
        if not osp.isfile(config):
            raise FileNotFoundError(f'no such config file: {config}')
        config = Config.fromfile(config)
    else:
        config = copy.deepcopy(config)
    _apply_switches(config)
    if data_root is not None:
        if not osp.isdir(data_root):
            raise FileNotFoundError(f'data root {data_root!r} is not a folder')
        for split in ('train', 'val', 'test'):
            loader = config.get(f'{split}_dataloader')
            if loader and 'data_root' in (loader.get('dataset') or {}):
                loader.dataset.data_root = osp.abspath(data_root)
    _scope(config)
    return config


def _apply_switches(cfg: Config) -> None:
    """A config's named channels and its switches, in place."""
    from .config_from_data import apply_data_channels
    from .config_switches import apply_diff_augment
    apply_data_channels(cfg)
    apply_diff_augment(cfg)


def _with_options(cfg: Config, cfg_options: Optional[dict]) -> Config:
    """``cfg`` (a fresh object from :func:`load_config`) with
    ``cfg_options`` merged in and the channels and switches they may name
    applied again."""
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
        _apply_switches(cfg)
    _scope(cfg)
    return cfg


def init_model(config,
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               seed: Optional[int] = None) -> nn.Module:
    """Build the config's model, initialised or loaded from a checkpoint.

    Args:
        config (str | Config): Config file or object.
        checkpoint (str, optional): ``.pth`` written by the Runner; checked
            by :func:`~mmskr.engine.runner_utils.verify_checkpoint` (a file
            that would run code when unpickled is refused) and loaded
            strictly (through mmskr's safe loader). The model gets the
            run's own ``diff_augment`` (on or off), whatever ``config``
            says (:func:`~mmskr.apis.config_switches.
            adopt_switches_from_checkpoint_meta`). None keeps the freshly
            initialised weights (the "untrained" model).
        device (str): Device to move the model to. Default: ``'cpu'``.
        cfg_options (dict, optional): Merged into the config first.
            Values a folder config leaves ``'auto'``
            (:mod:`~mmskr.apis.config_from_data`) come from the
            checkpoint's own config, or, without a checkpoint, from the
            config's training set.
        seed (int, optional): Seeds torch before ``init_weights`` so the
            untrained model is reproducible.

    Returns:
        nn.Module: The model in eval mode.

    Raises:
        FileNotFoundError: ``checkpoint`` is not a file.
        ValueError: ``checkpoint`` is truncated or not a torch checkpoint.
        UntrustedCheckpointError: ``checkpoint`` carries objects other than
            those mmengine writes (nothing from it is executed).
    """
    import mmskr  # noqa: F401  (registers the plugin, applies compat)
    from ..engine.runner_utils import verify_checkpoint
    from .config_from_data import (auto_keys, fill_from_checkpoint_meta,
                                   fill_from_data)
    from .config_switches import adopt_switches_from_checkpoint_meta
    cfg = _with_options(load_config(config), cfg_options)
    if checkpoint is not None:
        verify_checkpoint(checkpoint)
        # read once: its meta decides the model, its weights fill it
        loaded = torch.load(checkpoint, map_location='cpu', weights_only=True)
        meta = loaded.get('meta')
        # the run's training switches (its discriminators' wrappers)
        adopt_switches_from_checkpoint_meta(cfg, meta, cfg_options)
        if auto_keys(cfg):  # a folder config: the run's own values
            fill_from_checkpoint_meta(cfg, meta)
    else:
        fill_from_data(cfg)
    from mmagic.registry import MODELS
    if seed is not None:
        torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    if checkpoint is None:
        model.init_weights()
    else:
        _load_checkpoint_to_model(model, loaded, strict=True)
    return model.to(device).eval()


# labels of seed s come from the global generator seeded with s + this, a
# stream apart from the noise of seed s (and of every seed in use)
LABEL_SEED_OFFSET = 2**62


def seeded_labels(model: nn.Module, seeds: Sequence[int]) -> torch.Tensor:
    """One class label per seed, drawn by the model's own ``label_fn`` (its
    class distribution: ACGAN's training-set frequencies, mmagic's uniform
    one) from the global generator seeded with ``seed + LABEL_SEED_OFFSET``;
    the caller's global RNG state is left as it was.

    Returns:
        Tensor: int64 (len(seeds), ).
    """
    labels = []
    with torch.random.fork_rng(devices=[]):
        for s in seeds:
            torch.manual_seed(int(s) + LABEL_SEED_OFFSET)
            labels.append(model.label_fn(num_batches=1).reshape(-1)[0].cpu())
    return torch.stack(labels).long()


def seeded_noise(seeds: Sequence[int], noise_size: int) -> torch.Tensor:
    """One standard-normal noise vector per seed.

    Args:
        seeds (Sequence[int]): One seed per sample.
        noise_size (int): Length of each vector.

    Returns:
        Tensor: (len(seeds), noise_size) float32.
    """
    return torch.stack([
        torch.randn(noise_size, generator=torch.Generator().manual_seed(s))
        for s in seeds
    ])


@torch.no_grad()
def generate_images(model: nn.Module,
                    seeds: Sequence[int],
                    batch_size: int = 16,
                    sample_model: Optional[str] = None
                    ) -> Dict[str, np.ndarray]:
    """Draw one image per seed through mmagic's generative interface.

    Works for every mmagic GAN (``model(dict(noise=..., sample_model=...))``
    returns data samples whose ``fake_img`` the data preprocessor has turned
    back into [0, 255]) and for SkrGAN, whose samples also carry
    ``fake_sketch``. A conditional model (one with ``label_fn``) gets one
    label per seed from :func:`seeded_labels`, so its images, too, depend
    on the seeds alone.

    Args:
        model (nn.Module): A generative mmagic model with ``noise_size``.
        seeds (Sequence[int]): One seed per image.
        batch_size (int): Images per forward pass (does not change the
            result). Default: 16.
        sample_model (str, optional): ``'orig'`` or ``'ema'``; None (the
            default) takes the model's own default, as mmagic's GANs do:
            the EMA generator when the model has one, else the trained one.

    Returns:
        dict: ``'fake_img'`` (N, C, H, W) uint8 RGB, and ``'fake_sketch'``
        (N, 1, H, W) uint8 when the model draws sketches.
    """
    if len(seeds) == 0:
        raise ValueError('generate_images needs at least one seed')
    noise_size = getattr(model, 'noise_size', None)
    if not isinstance(noise_size, int):
        raise TypeError(f'{type(model).__name__} has no integer noise_size; '
                        'only mmagic GANs and SkrGAN can be sampled')
    device = next(model.parameters()).device
    out: Dict[str, list] = {}
    for i in range(0, len(seeds), batch_size):
        chunk = list(seeds[i:i + batch_size])
        noise = seeded_noise(chunk, noise_size).to(device)
        inputs = dict(noise=noise)
        if sample_model is not None:
            inputs['sample_model'] = sample_model
        if hasattr(model, 'label_fn'):  # conditional: labels by seed too
            from mmagic.structures import DataSample
            samples = model(inputs, DataSample.stack([
                DataSample().set_gt_label(int(label))
                for label in seeded_labels(model, chunk)]))
        else:
            samples = model(inputs)
        for key in ('fake_img', 'fake_sketch'):
            if key in samples[0]:
                batch = torch.stack([s.get(key) for s in samples])
                out.setdefault(key, []).append(tensor_to_uint8(batch))
    return {k: np.concatenate(v) for k, v in out.items()}


def load_real_images(config,
                     split: str = 'val',
                     max_images: Optional[int] = None,
                     key: str = 'gt_img',
                     data_root: Optional[str] = None,
                     cfg_options: Optional[dict] = None) -> np.ndarray:
    """Read a config's real images through its (val) pipeline.

    Args:
        config (str | Config): Config whose ``{split}_dataloader.dataset``
            yields ``key`` (the settings bases' ``val_pipeline`` gives
            ``gt_img``; SkrGAN's train pipeline also ``gt_sketch``).
        split (str): ``'val'``, ``'test'`` or ``'train'``. Default: ``'val'``.
        max_images (int, optional): Read only the first ones.
        key (str): The data sample field to read. Default: ``'gt_img'``.
        data_root (str, optional): Data root replacing the config's (see
            :func:`load_config`).
        cfg_options (dict, optional): Merged into the config (as for
            :func:`init_model`).

    Returns:
        np.ndarray: (N, C, H, W) uint8 (images with the config's channels,
        ``data_channels``; sketches with one), in data set order.
    """
    import mmskr  # noqa: F401
    from .config_from_data import fill_from_data
    cfg = _with_options(load_config(config, data_root), cfg_options)
    fill_from_data(cfg)  # a folder config: the channels its run used
    from mmagic.registry import DATASETS
    dataset = DATASETS.build(cfg[f'{split}_dataloader'].dataset)
    n = len(dataset) if max_images is None else min(max_images, len(dataset))
    return dataset_images(dataset, range(n), key, split)


def dataset_images(dataset,
                   indices: Sequence[int],
                   key: str = 'gt_img',
                   split: str = 'train') -> np.ndarray:
    """Items ``indices`` of a built data set, through its pipeline.

    Args:
        dataset: An mmagic data set whose pipeline ends in ``PackInputs``.
        indices (Sequence[int]): The items to read, in this order.
        key (str): The data sample field to read. Default: ``'gt_img'``.
        split (str): Named in the error for a missing ``key``.

    Returns:
        np.ndarray: (len(indices), C, H, W) uint8.
    """
    images = []
    for i in indices:
        sample = dataset[i]['data_samples']
        if key not in sample:
            raise KeyError(f'{split} pipeline of the config gives no {key} '
                           f'(sample {i}); use a pipeline ending in '
                           'PackInputs with the image under key "gt"'
                           + ('' if key == 'gt_img' else
                              f" and '{key}' in its data_keys"))
        images.append(tensor_to_uint8(sample.get(key)[None]))
    return np.concatenate(images)
