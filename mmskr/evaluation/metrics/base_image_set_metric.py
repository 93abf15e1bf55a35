"""Base of the set-level metrics: gather generated and real images.

mmagic's generative metrics each extract what they need batch by batch. The
metrics of this package compare whole sets under fixed seeds, so they keep
the images themselves (uint8; 100 images of 512x512x3 take 79 MB) and
compute at the end: the value cannot depend on the batch size.

Channel order. In mmagic's evaluation the real images a metric gets from
the data preprocessor in test mode are converted to BGR, while generated
images come out in the order the generator was trained on (the preprocessor
in training mode keeps the loader's order unless ``output_channel_order`` is
set, and ``destruct`` without data samples does not convert). So the real
images are read here through the preprocessor in *training* mode, the
order the generator learned, and both sets are turned into RGB from the
order the preprocessor records (``{real_key}_output_channel_order``).
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmagic.evaluation.metrics.base_gen_metric import GenerativeMetric
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from ...utils.uint8 import tensor_to_uint8

CHANNEL_ORDERS = ('auto', 'RGB', 'BGR')


def read_real_images(dataloader: DataLoader,
                     data_preprocessor: nn.Module,
                     real_key: str = 'gt_img',
                     real_nums: int = -1) -> Tuple[np.ndarray, str]:
    """The first ``real_nums`` images of a data set, as the model sees them.

    Args:
        dataloader (DataLoader): Loader of the real data set (its data set
            and batch size are used, in order, without shuffling).
        data_preprocessor (nn.Module): The model's mmagic data preprocessor.
        real_key (str): Image field of the data samples. Defaults to
            'gt_img'.
        real_nums (int): Number of images; -1 = all. Defaults to -1.

    Returns:
        tuple[np.ndarray, str]: (N, C, H, W) uint8 images in [0, 255] and
        their channel order ('RGB', 'BGR' or 'single').
    """
    dataset = dataloader.dataset
    if real_nums > len(dataset):
        raise ValueError(f'real_nums={real_nums} but the data set has only '
                         f'{len(dataset)} images (use -1 for all)')
    num = len(dataset) if real_nums == -1 else real_nums
    loader = DataLoader(
        dataset,
        batch_size=dataloader.batch_size,
        sampler=range(num),
        collate_fn=pseudo_collate)
    images, order = [], 'RGB'
    for data in loader:
        samples = data_preprocessor(data, True)['data_samples']
        if real_key not in samples:
            raise KeyError(f'data samples have no {real_key!r}; set '
                           'real_key to one of '
                           f'{sorted(samples.keys())}')
        img = samples.get(real_key).float()
        meta = samples.metainfo
        if meta.get(f'{real_key}_enable_norm', [False])[0]:
            img = img * meta[f'{real_key}_std'][0].to(img) + \
                meta[f'{real_key}_mean'][0].to(img)
        order = meta.get(f'{real_key}_output_channel_order', [order])[0]
        images.append(tensor_to_uint8(img))
    return np.concatenate(images), order.upper()


def to_rgb(images: np.ndarray, order: str) -> np.ndarray:
    """Reverse the channels of 3-channel BGR images.

    Args:
        images (np.ndarray): (N, C, H, W).
        order (str): 'RGB', 'BGR' or 'SINGLE'.

    Returns:
        np.ndarray: (N, C, H, W) RGB (or unchanged single-channel) images.
    """
    if images.shape[1] == 3 and order.upper() == 'BGR':
        return images[:, ::-1]
    return images


class ImageSetMetric(GenerativeMetric):
    """Collect generated (and real) images; compute on the whole sets.

    Subclasses implement :meth:`compute_images` and may set the class
    attributes ``min_fake_nums`` (default 1) and ``compares_with_real``
    (default False; True makes ``real_nums=0`` an error). Results are
    computed on the main process from all ranks' images.

    Args:
        fake_nums (int): Generated images to evaluate (>= 1).
        real_nums (int): Real images read from the evaluation data set in
            :meth:`prepare`; -1 = all, 0 = none. Defaults to -1.
        fake_key (str, optional): Field of the model output holding the
            image; None = ``'fake_img'``. Defaults to None.
        real_key (str): Field of the data samples holding the real image.
            Defaults to 'gt_img'.
        channel_order (str): 'auto' (read from the data preprocessor; the
            generated images are taken to be in the training order),
            'RGB' or 'BGR' (both sets). Defaults to 'auto'.
        sample_model (str, optional): 'orig' or 'ema'; None takes the
            model's default (mmagic's rule: its EMA generator when it has
            one, else the trained one). Defaults to None.
        need_cond_input (bool): See mmagic's ``GenerativeMetric``.
            Defaults to False.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the result keys; None = the
            class's ``default_prefix``. Defaults to None.
        sample_kwargs (dict, optional): Sampling arguments for the model.
            Defaults to None.
    """

    min_fake_nums = 1  # generated images needed at least
    compares_with_real = False  # True: real_nums=0 is an error

    def __init__(self,
                 fake_nums: int,
                 real_nums: int = -1,
                 fake_key: Optional[str] = None,
                 real_key: str = 'gt_img',
                 channel_order: str = 'auto',
                 sample_model: Optional[str] = None,
                 need_cond_input: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 sample_kwargs: Optional[dict] = None) -> None:
        name = type(self).__name__
        if fake_nums < self.min_fake_nums:
            raise ValueError(f'{name} needs fake_nums >= '
                             f'{self.min_fake_nums}, found {fake_nums}')
        if real_nums < -1 or (real_nums == 0 and self.compares_with_real):
            raise ValueError(f'{name}: real_nums must be -1 (all) or a count'
                             f'{"" if self.compares_with_real else " or 0"}'
                             f', found {real_nums}')
        if channel_order not in CHANNEL_ORDERS:
            raise ValueError(f'channel_order must be one of {CHANNEL_ORDERS}'
                             f', found {channel_order!r}')
        super().__init__(fake_nums, real_nums, fake_key, real_key,
                         need_cond_input, sample_model, collect_device, prefix,
                         sample_kwargs or {})
        self.channel_order = channel_order
        self.real_images: Optional[np.ndarray] = None  # (N, C, H, W) uint8
        self._order = 'RGB' if channel_order == 'auto' else channel_order

    @property
    def needs_real_images(self) -> bool:
        """Whether :meth:`prepare` reads the real images."""
        return self.real_nums != 0

    def prepare(self, module: nn.Module, dataloader: DataLoader) -> None:
        """Read the real images once (the evaluator calls this before the
        first evaluation).

        Args:
            module (nn.Module): The model to evaluate.
            dataloader (DataLoader): The evaluation data (real images).
        """
        super().prepare(module, dataloader)
        if self.real_images is not None or not self.needs_real_images:
            return
        images, order = read_real_images(dataloader, self.data_preprocessor,
                                         self.real_key, self.real_nums)
        self.real_images = images
        if self.channel_order == 'auto':
            self._order = order

    def _fake_image(self, sample: dict) -> torch.Tensor:
        """The generated image of one model output (mmagic's layout)."""
        if self.sample_model in sample:
            sample = sample[self.sample_model]
        key = self.fake_key or 'fake_img'
        if key not in sample:
            raise KeyError(f'{type(self).__name__}: model output has no '
                           f'{key!r}; keys: {sorted(sample)}')
        return sample[key]

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep generated images (uint8) until ``fake_nums`` are stored.

        Args:
            data_batch (dict): The sampler's batch (unused).
            data_samples (Sequence[dict]): Model outputs, images (C, H, W)
                in [0, 255].
        """
        for sample in data_samples:
            if len(self.fake_results) >= self.fake_nums_per_device:
                return
            image = tensor_to_uint8(self._fake_image(sample))
            self.fake_results.append(torch.from_numpy(image)[None])

    def compute_metrics(self, results_fake: Sequence[torch.Tensor]) -> dict:
        """Stack the generated images and call :meth:`compute_images`.

        Args:
            results_fake (Sequence[torch.Tensor]): (1, C, H, W) uint8 each.

        Returns:
            dict: The metric values.
        """
        fake = to_rgb(torch.cat(list(results_fake)).numpy(), self._order)
        real = None
        if self.real_images is not None:
            real = to_rgb(self.real_images, self._order)
        return self.compute_images(real, fake)

    def compute_images(self, real: Optional[np.ndarray],
                       fake: np.ndarray) -> Dict[str, float]:
        """Compute the metric on whole sets.

        Args:
            real (np.ndarray, optional): (N, C, H, W) uint8 RGB real images,
                None when ``real_nums == 0``.
            fake (np.ndarray): (M, C, H, W) uint8 RGB generated images.

        Returns:
            dict[str, float]: Result keys (without prefix) and values.
        """
        raise NotImplementedError
