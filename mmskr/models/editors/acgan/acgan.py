"""ACGAN: GAN with an auxiliary classifier (Odena et al., 2017)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmagic.models.base_models import BaseConditionalGAN
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.optim import OptimWrapper
from torch import Tensor

from .acgan_generator import check_num_classes


@MODELS.register_module()
class ACGAN(BaseConditionalGAN):
    """Auxiliary-classifier GAN, which mmagic lacks.

    Paper: Odena, Olah and Shlens, "Conditional Image Synthesis with
    Auxiliary Classifier GANs", ICML 2017, Sec. 3. Every generated image
    has a class c ~ p_c and noise z; the discriminator gives P(S | X)
    (real/fake) and P(C | X) (class), and with

    * Eq. (2) ``L_S = E[log P(S=real | X_real)] + E[log P(S=fake | X_fake)]``
    * Eq. (3) ``L_C = E[log P(C=c | X_real)] + E[log P(C=c | X_fake)]``

    D maximises ``L_S + L_C`` and G maximises ``L_C - L_S``. As losses
    (binary / categorical cross-entropy, equal weights as in the paper):

    * D: ``loss_disc_real + loss_disc_fake`` (= -L_S) +
      ``loss_disc_cls_real + loss_disc_cls_fake`` (= -L_C);
    * G: ``loss_gen`` (the usual non-saturating form of -(-L_S), i.e.
      -log P(S=real | X_fake)) + ``loss_gen_cls`` (-L_C on X_fake).

    ``acc_disc_cls_real`` (accuracy of the class head on the real batch) is
    logged too.

    Class prior p_c: the buffer ``class_freq`` (K, ), saved in checkpoints,
    uniform until :meth:`set_class_counts` is called; ``ClassFrequencyHook``
    calls it at the start of training with the training set's class counts.
    p_c gives the labels of generated training images and of unconditional
    samples, so unconditional sampling follows the data set's class
    frequencies.

    Labels come from ``data_samples.gt_label`` (``MedicalImageDataset`` with
    ``classes``). With ``num_classes=1`` a data set without classes is
    accepted (every image is class 0: ACGAN reduces to a DCGAN with an
    always-true classifier term); with more classes, missing labels raise.

    Sampling (mmagic's generative interface, ``val_step``/``test_step``/
    ``forward``): ``inputs=dict(num_batches=N)`` draws labels from p_c.
    Conditional sampling takes data samples with ``gt_label`` (mmagic's
    conditional metrics), or ``inputs=dict(labels=...)``: an int (N images
    of one class) or, when the model is called directly as mmagic's
    ``ConditionalInferencer`` does, a sequence / 1-D tensor with one label
    per image (mmagic's ``DataPreprocessor`` in ``val_step`` treats a
    tensor in ``inputs`` as an image and rejects a list of ints). Every
    output sample carries its ``gt_label``.

    Args:
        generator (dict | nn.Module): Generator taking ``(noise, label)``,
            e.g. :class:`ACGANGenerator`.
        discriminator (dict | nn.Module): Discriminator returning
            ``(adversarial logits (N, 1), class logits (N, K))``, e.g.
            :class:`ACGANDiscriminator`.
        data_preprocessor (dict, optional): Preprocessor config. Defaults to
            None.
        num_classes (int): K >= 1; given to both networks. Defaults to 1.
        noise_size (int, optional): Size of z; read from the generator when
            None. Defaults to None.
        generator_steps (int): As in ``BaseGAN``. Defaults to 1.
        discriminator_steps (int): As in ``BaseGAN``. Defaults to 1.
        ema_config (dict, optional): As in ``BaseGAN``. Defaults to None.

    Raises:
        ValueError: ``num_classes`` < 1.
    """

    def __init__(self,
                 generator: Union[dict, torch.nn.Module],
                 discriminator: Union[dict, torch.nn.Module],
                 data_preprocessor: Optional[dict] = None,
                 num_classes: int = 1,
                 noise_size: Optional[int] = None,
                 generator_steps: int = 1,
                 discriminator_steps: int = 1,
                 ema_config: Optional[dict] = None):
        check_num_classes(num_classes)
        super().__init__(generator, discriminator, data_preprocessor,
                         generator_steps, discriminator_steps, noise_size,
                         num_classes, ema_config)
        self.register_buffer('class_freq',
                             torch.full((num_classes, ), 1. / num_classes))

    # ------------------------------------------------------------------
    # labels
    # ------------------------------------------------------------------
    def set_class_counts(self, counts: Sequence[int]) -> None:
        """Set the class prior p_c from image counts per class.

        Args:
            counts (Sequence[int]): K non-negative counts, not all zero
                (``metainfo['class_counts']`` of ``MedicalImageDataset``).

        Raises:
            ValueError: Wrong length, a negative count or all zero.
        """
        counts = torch.as_tensor(counts, dtype=torch.float64).reshape(-1)
        if counts.numel() != self.num_classes or (
                counts < 0).any() or counts.sum() <= 0:
            raise ValueError(
                f'{type(self).__name__} has num_classes={self.num_classes}, '
                f'so it needs {self.num_classes} non-negative class counts, '
                f'not all zero; got {counts.tolist()}')
        self.class_freq.copy_(counts / counts.sum())

    def label_fn(self,
                 label: Union[Tensor, List[int], None] = None,
                 num_batches: int = 1) -> Tensor:
        """Labels for generated images: drawn from p_c when ``label`` is None
        (upstream draws uniformly), else mmagic's checks of the given ones.

        Args:
            label (Tensor | list[int], optional): Given labels. Defaults to
                None.
            num_batches (int): How many to draw. Defaults to 1.

        Returns:
            Tensor: int64 labels (N, ) on the model's device.
        """
        if label is None:
            return torch.multinomial(
                self.class_freq, num_batches, replacement=True)
        return super().label_fn(label, num_batches)

    def data_sample_to_label(self, data_sample: DataSample
                             ) -> Optional[Tensor]:
        """``gt_label`` of stacked data samples as int64 (N, ), or None."""
        labels = super().data_sample_to_label(data_sample)
        if labels is None:
            return None
        return labels.reshape(-1).long().to(self.class_freq.device)

    def real_labels(self, data_samples: DataSample) -> Tensor:
        """Labels of a real training batch.

        Args:
            data_samples (DataSample): Stacked samples with ``gt_img``
                (N, C, H, W) and, for K > 1, ``gt_label``.

        Returns:
            Tensor: int64 (N, ); zeros without ``gt_label`` when K == 1.

        Raises:
            ValueError: No ``gt_label`` with K > 1, or labels out of range.
        """
        labels = self.data_sample_to_label(data_samples)
        num = data_samples.gt_img.shape[0]
        if labels is None:
            if self.num_classes == 1:
                return torch.zeros(
                    num, dtype=torch.long, device=self.class_freq.device)
            raise ValueError(
                f'{type(self).__name__} with num_classes={self.num_classes} '
                'needs class labels (data_samples.gt_label): use a data set '
                "with classes (MedicalImageDataset(classes=[...])), or "
                'num_classes=1 for unlabeled images')
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(f'gt_label must lie in [0, {self.num_classes}), '
                             f'got {labels.tolist()}')
        return labels

    def _requested_labels(self, labels, num_batches: Optional[int]) -> Tensor:
        """``inputs['labels']`` as int64 (N, ), checked."""
        if isinstance(labels, int):
            labels = [labels] * (num_batches or 1)
        labels = torch.as_tensor(labels).long().reshape(-1)
        if num_batches is not None and num_batches != labels.numel():
            raise ValueError(f'num_batches={num_batches} but '
                             f'{labels.numel()} labels were given')
        if labels.numel() == 0 or labels.min() < 0 or labels.max(
        ) >= self.num_classes:
            raise ValueError('labels must be a non-empty list of ints in '
                             f'[0, {self.num_classes}), got {labels.tolist()}')
        return labels.to(self.class_freq.device)

    # ------------------------------------------------------------------
    # sampling
    # ------------------------------------------------------------------
    def forward(self,
                inputs,
                data_samples: Optional[DataSample] = None,
                mode: Optional[str] = None) -> List[DataSample]:
        """Sample images; conditional with ``inputs['labels']`` or
        ``data_samples.gt_label``, else labels drawn from p_c.

        Args:
            inputs (dict | Tensor): ``num_batches``, ``noise``,
                ``sample_model`` and optionally ``labels``, or a noise
                tensor.
            data_samples (DataSample, optional): Stacked samples; their
                ``gt_label`` are the requested classes. Defaults to None.
            mode (str, optional): Unused. Defaults to None.

        Returns:
            list[DataSample]: One per image, with ``fake_img`` (C, S, S) in
            [0, 255] (or under ``orig``/``ema``), ``gt_label`` and
            ``noise``.

        Raises:
            ValueError: Labels given both ways, or invalid labels.
        """
        if isinstance(inputs, dict) and inputs.get('labels') is not None:
            if data_samples is not None:
                raise ValueError('give labels in inputs or in data_samples, '
                                 'not both')
            inputs = dict(inputs)
            labels = self._requested_labels(
                inputs.pop('labels'), inputs.get('num_batches'))
            inputs['num_batches'] = labels.numel()
            data_samples = DataSample()
            data_samples.set_gt_label(labels)
        return super().forward(inputs, data_samples, mode)

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def disc_loss(self, adv_fake: Tensor, cls_fake: Tensor,
                  fake_labels: Tensor, adv_real: Tensor, cls_real: Tensor,
                  real_labels: Tensor) -> Tuple[Tensor, dict]:
        """D loss -(L_S + L_C) (Eqs. 2, 3) and the class-head accuracy.

        Args:
            adv_fake, adv_real (Tensor): Real/fake logits (N, 1).
            cls_fake, cls_real (Tensor): Class logits (N, K).
            fake_labels, real_labels (Tensor): int64 classes (N, ).

        Returns:
            tuple[Tensor, dict]: Total loss and log variables.
        """
        losses = dict(
            loss_disc_fake=F.binary_cross_entropy_with_logits(
                adv_fake, torch.zeros_like(adv_fake)),
            loss_disc_real=F.binary_cross_entropy_with_logits(
                adv_real, torch.ones_like(adv_real)),
            loss_disc_cls_real=F.cross_entropy(cls_real, real_labels),
            loss_disc_cls_fake=F.cross_entropy(cls_fake, fake_labels),
            # logged only: no 'loss' in the name
            acc_disc_cls_real=(cls_real.detach().argmax(1) == real_labels
                               ).float().mean())
        return self.parse_losses(losses)

    def gen_loss(self, adv_fake: Tensor, cls_fake: Tensor,
                 fake_labels: Tensor) -> Tuple[Tensor, dict]:
        """G loss: non-saturating -L_S term plus -L_C on generated images.

        Args:
            adv_fake (Tensor): Real/fake logits of G's images (N, 1).
            cls_fake (Tensor): Their class logits (N, K).
            fake_labels (Tensor): The classes they were drawn for (N, ).

        Returns:
            tuple[Tensor, dict]: Total loss and log variables.
        """
        losses = dict(
            loss_gen=F.binary_cross_entropy_with_logits(
                adv_fake, torch.ones_like(adv_fake)),
            loss_gen_cls=F.cross_entropy(cls_fake, fake_labels))
        return self.parse_losses(losses)

    def train_discriminator(self, inputs: dict, data_samples: DataSample,
                            optimizer_wrapper: OptimWrapper
                            ) -> Dict[str, Tensor]:
        """One D update on a real batch and as many generated images.

        Args:
            inputs (dict): Preprocessed inputs (unused).
            data_samples (DataSample): Stacked samples: ``gt_img``
                (N, C, H, W) in [-1, 1] and ``gt_label``.
            optimizer_wrapper (OptimWrapper): D's optimiser.

        Returns:
            dict[str, Tensor]: Log variables.
        """
        real_imgs = data_samples.gt_img
        real_labels = self.real_labels(data_samples)
        num = real_imgs.shape[0]
        noise = self.noise_fn(num_batches=num)
        fake_labels = self.label_fn(num_batches=num)
        with torch.no_grad():
            fake_imgs = self.generator(noise, label=fake_labels)
        adv_fake, cls_fake = self.discriminator(fake_imgs)
        adv_real, cls_real = self.discriminator(real_imgs)
        loss, log_vars = self.disc_loss(adv_fake, cls_fake, fake_labels,
                                        adv_real, cls_real, real_labels)
        optimizer_wrapper.update_params(loss)
        return log_vars

    def train_generator(self, inputs: dict, data_samples: DataSample,
                        optimizer_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        """One G update on as many images as the real batch.

        Args:
            inputs (dict): Preprocessed inputs (unused).
            data_samples (DataSample): Stacked samples (sets the batch size).
            optimizer_wrapper (OptimWrapper): G's optimiser.

        Returns:
            dict[str, Tensor]: Log variables.
        """
        num = data_samples.gt_img.shape[0]
        noise = self.noise_fn(num_batches=num)
        fake_labels = self.label_fn(num_batches=num)
        fake_imgs = self.generator(noise, label=fake_labels)
        adv_fake, cls_fake = self.discriminator(fake_imgs)
        loss, log_vars = self.gen_loss(adv_fake, cls_fake, fake_labels)
        optimizer_wrapper.update_params(loss)
        return log_vars
