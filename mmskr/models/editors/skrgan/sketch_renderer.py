"""Colour render mapping of SkrGAN: sketch -> image (pix2pix-style)."""
import itertools
from typing import Dict, Iterable, List, Optional

import torch
from mmagic.models.editors.pix2pix import Pix2Pix
from mmagic.models.utils import set_requires_grad
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine import MessageHub
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from ...utils import check_finite
from .pair_augment import augment_pairs, check_pair_augment


@MODELS.register_module()
class SketchRenderer(Pix2Pix):
    """Colour render mapping G_P / D_P of SkrGAN (paper, Sec. 2.3, Eq. 2).

    mmagic's ``Pix2Pix`` with the source domain ``sketch`` and the target
    domain ``image``: a U-Net generator ``G_P(y)`` and a conditional PatchGAN
    ``D_P(x, y)`` that sees the image concatenated with its sketch. Losses
    (Eq. 2): ``L_adv`` (binary cross-entropy on the PatchGAN logits) and
    ``lambda * ||G_P(y) - x||_1`` with ``lambda = loss_config.pixel_loss_weight``
    (100 as in the paper).

    Training pairs come from data samples: the image from ``image_key``
    (``gt_img``) and its sketch draft from ``sketch_key`` (``gt_sketch``), so
    the same pipeline (``LoadMedicalImage`` -> ``Resize`` -> ``SketchDraft``
    -> ``PackInputs``) trains this module alone or the whole SkrGAN.

    Optimizer wrappers as in mmagic's pix2pix configs: ``generators`` and
    ``discriminators``.

    Args:
        generator (dict): G_P config (``UnetGenerator``; ``in_channels`` =
            sketch channels, ``out_channels`` = image channels).
        discriminator (dict): D_P config (``PatchDiscriminator``;
            ``in_channels`` = sketch + image channels).
        data_preprocessor (dict): Preprocessor config.
        sketch_key (str): Data-sample field with the sketches.
        image_key (str): Data-sample field with the images.
        loss_config (dict, optional): ``dict(pixel_loss_weight=100)``.
        pair_augment (dict, optional): Arguments of
            :func:`~mmskr.models.editors.skrgan.pair_augment.augment_pairs`
            (stroke contrast, blur, dropout, a paired affine map) applied to
            every training pair; None (default): the pairs as they come.
        **kwargs: ``discriminator_steps``, ``disc_init_steps``.
    """

    def __init__(self,
                 generator: dict,
                 discriminator: dict,
                 data_preprocessor: dict,
                 sketch_key: str = 'gt_sketch',
                 image_key: str = 'gt_img',
                 loss_config: Optional[dict] = None,
                 pair_augment: Optional[dict] = None,
                 **kwargs):
        kwargs.setdefault('default_domain', 'image')
        kwargs.setdefault('reachable_domains', ['image'])
        kwargs.setdefault('related_domains', ['image', 'sketch'])
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            data_preprocessor=data_preprocessor,
            loss_config=loss_config if loss_config is not None else dict(
                pixel_loss_weight=100.),
            **kwargs)
        self.sketch_key = sketch_key
        self.image_key = image_key
        self.pair_augment = dict(pair_augment or {})
        check_pair_augment(**self.pair_augment)  # a bad option fails here

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """One D_P step and one G_P step on (image, sketch) pairs."""
        data = self.data_preprocessor(data, True)
        samples = data['data_samples']
        for key in (self.sketch_key, self.image_key):
            if key not in samples:
                raise KeyError(
                    f'data samples have no `{key}`: the pipeline must give '
                    'the image and its sketch (LoadMedicalImage, Resize, '
                    "SketchDraft, PackInputs) and the preprocessor's "
                    'data_keys must list both')
        return self.train_on_pairs(
            samples.get(self.sketch_key), samples.get(self.image_key),
            optim_wrapper)

    def train_on_pairs(self, sketches: Tensor, images: Tensor,
                       optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """Eq. (2): one D_P update, then one G_P update.

        Args:
            sketches (Tensor): y, (N, Cs, H, W) in [-1, 1] (augmented with
                ``images`` first when ``pair_augment`` is set).
            images (Tensor): x, (N, Ci, H, W) in [-1, 1].
            optim_wrapper (OptimWrapperDict): ``generators`` and
                ``discriminators``.

        Returns:
            dict[str, float]: ``loss_gan_d_fake``, ``loss_gan_d_real``,
            ``loss_gan_g``, ``loss_pixel`` (already x lambda).
        """
        if sketches.shape[2:] != images.shape[2:]:
            raise ValueError(
                f'sketch size {tuple(sketches.shape[2:])} differs from image '
                f'size {tuple(images.shape[2:])}')
        if self.pair_augment:
            sketches, images = augment_pairs(sketches, images,
                                             **self.pair_augment)
        curr_iter = MessageHub.get_current_instance().get_info('iter', 0)
        disc_wrapper = optim_wrapper['discriminators']
        gen_wrapper = optim_wrapper['generators']
        accu = disc_wrapper._accumulative_counts

        with disc_wrapper.optim_context(self.discriminators):
            fake = self.generators['image'](sketches)  # G_P(y)
            outputs = dict(real_sketch=sketches, fake_image=fake,
                           real_image=images)
            set_requires_grad(self.discriminators, True)
            loss_d, log_vars = self._get_disc_loss(outputs)
            disc_wrapper.update_params(loss_d)

        if ((curr_iter + 1) % (self.discriminator_steps * accu) == 0
                and curr_iter >= self.disc_init_steps):
            set_requires_grad(self.discriminators, False)
            with gen_wrapper.optim_context(self.generators):
                loss_g, log_vars_g = self._get_gen_loss(outputs)
                gen_wrapper.update_params(loss_g)
            set_requires_grad(self.discriminators, True)
            log_vars_g.pop('loss', None)
            log_vars.update(log_vars_g)
        log_vars.pop('loss', None)
        check_finite(log_vars, type(self).__name__, curr_iter)
        return log_vars

    def render(self, sketches: Tensor) -> Tensor:
        """``G_P(y)``: images (N, Ci, H, W) in [-1, 1] from sketches.

        The U-Net runs in eval mode (batch-norm running statistics, no
        dropout), so each image depends only on its own sketch: a sample is
        reproducible from (checkpoint, seed) whatever the batch. (pix2pix's
        own test step uses batch statistics instead, which ties every output
        to the rest of its batch.)
        """
        gen = self.generators['image']
        was_training = gen.training
        gen.eval()
        try:
            out = gen(sketches)
        finally:
            gen.train(was_training)
        return out.clamp(-1., 1.)

    @torch.no_grad()
    def calibrate_norm(self, sketches: Iterable[Tensor]) -> int:
        """Re-estimate G_P's batch-norm statistics on ``sketches`` (AdaBN).

        Training measures the running means and variances of G_P's
        ``BatchNorm`` layers on the real sketch drafts, but :meth:`render`
        later reads sketches drawn by G_S, whose statistics differ (softer
        strokes, grey background: a domain shift). This replaces the running
        statistics by their exact average over the given batches (Li et
        al., "Revisiting batch normalization for practical domain
        adaptation", 2016), in PyTorch's own cumulative mode
        (``momentum=None``), with dropout off as in :meth:`render`. Weights
        are untouched, no gradient is computed, and the train/eval mode and
        momentum of every layer are restored; training itself normalises
        with batch statistics and so is unaffected (the next training
        iterations blend the running statistics back towards the drafts').

        Args:
            sketches (Iterable[Tensor]): Batches (N, Cs, H, W) in [-1, 1].

        Returns:
            int: Number of sketches seen (0 leaves the statistics as they
            were, as does an error in a batch, which is raised).
        """
        gen = self.generators['image']
        norms = [
            m for m in gen.modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
            and m.track_running_stats
        ]
        batches = iter(sketches)
        first = next(batches, None)
        if first is None or not norms:
            return 0
        modes = [(m, m.training) for m in gen.modules()]
        momenta = [m.momentum for m in norms]
        saved = [{k: v.clone() for k, v in m.state_dict().items()}
                 for m in norms]
        seen = 0
        try:
            gen.eval()  # dropout off
            for m in norms:
                m.reset_running_stats()
                m.momentum = None  # cumulative average over the batches
                m.train()
            for batch in itertools.chain([first], batches):
                gen(batch)
                seen += len(batch)
        except BaseException:  # keep the statistics the model had
            for m, state in zip(norms, saved):
                m.load_state_dict(state)
            raise
        finally:
            for m, momentum in zip(norms, momenta):
                m.momentum = momentum
            for m, mode in modes:
                m.training = mode
        return seen

    def forward(self, inputs, data_samples: Optional[list] = None,
                mode: Optional[str] = None) -> List[DataSample]:
        """Render ``inputs`` (sketch tensor or dict with ``img_sketch``)."""
        sketches = inputs if isinstance(inputs, Tensor) else inputs[
            'img_sketch']
        fake = self.data_preprocessor.destruct(
            self.render(sketches), data_samples)
        sample = DataSample(fake_img=fake)
        return sample.split(allow_nonseq_value=True)

    def val_step(self, data: dict) -> List[DataSample]:
        data = self.data_preprocessor(data)
        samples = data['data_samples']
        out = self.render(samples.get(self.sketch_key))
        results = DataSample(
            fake_img=self.data_preprocessor.destruct(out, samples),
            gt_img=self.data_preprocessor.destruct(
                samples.get(self.image_key), samples))
        return results.split(allow_nonseq_value=True)

    test_step = val_step
