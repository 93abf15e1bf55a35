"""WGAN: Wasserstein GAN with weight clipping (Arjovsky et al., 2017)."""
from typing import Dict, Optional, Tuple, Union

import torch
from mmagic.models.base_models import BaseGAN
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.optim import OptimWrapper
from torch import Tensor


@MODELS.register_module()
class WGAN(BaseGAN):
    """Wasserstein GAN with weight clipping.

    Paper: Arjovsky, Chintala and Bottou, "Wasserstein Generative
    Adversarial Networks", ICML 2017, Algorithm 1. mmagic has WGAN-GP
    (gradient penalty) but not this original WGAN.

    * Critic: maximises ``E[D(x)] - E[D(G(z))]`` (the Kantorovich-Rubinstein
      estimate of W(P_r, P_g), Eq. 3), i.e. minimises
      ``loss_disc_fake + loss_disc_real = E[D(G(z))] - E[D(x)]``.
    * After every critic update, every parameter of D is clamped to
      ``[-clip_value, clip_value]`` (Algorithm 1, line 7), so D stays in a
      family of K-Lipschitz functions. :meth:`init_weights` clamps the
      initial weights too, so the critic is never used outside the box.
    * Generator: minimises ``loss_gen = -E[D(G(z))]``.

    One training iteration is one critic step on one real batch; the
    generator is updated every ``discriminator_steps`` iterations (n_critic,
    5 in the paper), as in mmagic's ``WGANGP``. The paper's optimiser
    (RMSprop, lr 5e-5 for both networks) is set in the config. The extra
    critic steps of the authors' code (100 per generator step for the first
    25 generator steps and every 500th) are not part of Algorithm 1 and are
    not used.

    Args:
        generator (dict | nn.Module): Generator config or module (e.g.
            mmagic's ``DCGANGenerator``, the paper's architecture).
        discriminator (dict | nn.Module): Critic config or module; its
            output is an unbounded score of shape (N, 1) (e.g.
            ``DCGANDiscriminator`` with ``out_channels=1`` and no output
            activation).
        data_preprocessor (dict, optional): Preprocessor config. Defaults to
            None.
        clip_value (float): Clipping bound c > 0. Defaults to 0.01 (paper).
        generator_steps (int): Generator updates per generator turn.
            Defaults to 1.
        discriminator_steps (int): Critic updates per generator update
            (n_critic). Defaults to 5 (paper).
        noise_size (int, optional): Size of z; read from the generator when
            None. Defaults to None.
        ema_config (dict, optional): EMA of the generator, as in
            ``BaseGAN``. Defaults to None.

    Raises:
        ValueError: ``clip_value`` is not positive.
    """

    def __init__(self,
                 generator: Union[dict, torch.nn.Module],
                 discriminator: Union[dict, torch.nn.Module],
                 data_preprocessor: Optional[dict] = None,
                 clip_value: float = 0.01,
                 generator_steps: int = 1,
                 discriminator_steps: int = 5,
                 noise_size: Optional[int] = None,
                 ema_config: Optional[dict] = None):
        if not clip_value > 0:
            raise ValueError(f'clip_value must be > 0, got {clip_value!r}')
        super().__init__(generator, discriminator, data_preprocessor,
                         generator_steps, discriminator_steps, noise_size,
                         ema_config)
        self.clip_value = float(clip_value)
        self.clip_discriminator()

    def init_weights(self) -> None:
        """Initialise the networks, then clamp the critic into the box."""
        super().init_weights()
        self.clip_discriminator()

    @torch.no_grad()
    def clip_discriminator(self) -> None:
        """Clamp every critic parameter to [-clip_value, clip_value].

        All parameters are clipped (batch-norm scales and biases included),
        as in the authors' code; buffers (running statistics) are not.
        """
        for param in self.discriminator.parameters():
            param.clamp_(-self.clip_value, self.clip_value)

    def disc_loss(self, disc_pred_fake: Tensor,
                  disc_pred_real: Tensor) -> Tuple[Tensor, dict]:
        """Critic loss ``E[D(G(z))] - E[D(x)]`` (negated Eq. 3).

        Args:
            disc_pred_fake (Tensor): Critic scores of generated images,
                (N, 1).
            disc_pred_real (Tensor): Critic scores of real images, (N, 1).

        Returns:
            tuple[Tensor, dict]: Total loss and the log variables
            ``loss_disc_fake`` and ``loss_disc_real``.
        """
        losses = dict(
            loss_disc_fake=disc_pred_fake.mean(),
            loss_disc_real=-disc_pred_real.mean())
        return self.parse_losses(losses)

    def gen_loss(self, disc_pred_fake: Tensor) -> Tuple[Tensor, dict]:
        """Generator loss ``-E[D(G(z))]``.

        Args:
            disc_pred_fake (Tensor): Critic scores of generated images,
                (N, 1).

        Returns:
            tuple[Tensor, dict]: Loss and the log variable ``loss_gen``.
        """
        return self.parse_losses(dict(loss_gen=-disc_pred_fake.mean()))

    def train_discriminator(self, inputs: dict, data_samples: DataSample,
                            optimizer_wrapper: OptimWrapper
                            ) -> Dict[str, Tensor]:
        """One critic update on a real batch, then clip the weights.

        Args:
            inputs (dict): Preprocessed inputs (unused; the images are in
                ``data_samples.gt_img``).
            data_samples (DataSample): Stacked samples; ``gt_img`` is
                (N, C, H, W) in [-1, 1].
            optimizer_wrapper (OptimWrapper): The critic's optimiser.

        Returns:
            dict[str, Tensor]: Log variables.
        """
        real_imgs = data_samples.gt_img
        noise = self.noise_fn(num_batches=real_imgs.shape[0])
        with torch.no_grad():
            fake_imgs = self.generator(noise=noise, return_noise=False)
        loss, log_vars = self.disc_loss(
            self.discriminator(fake_imgs), self.discriminator(real_imgs))
        optimizer_wrapper.update_params(loss)
        self.clip_discriminator()  # Algorithm 1, line 7
        return log_vars

    def train_generator(self, inputs: dict, data_samples: DataSample,
                        optimizer_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        """One generator update against the (clipped) critic.

        Args:
            inputs (dict): Preprocessed inputs (unused).
            data_samples (DataSample): Stacked samples (sets the batch size).
            optimizer_wrapper (OptimWrapper): The generator's optimiser.

        Returns:
            dict[str, Tensor]: Log variables.
        """
        noise = self.noise_fn(num_batches=data_samples.gt_img.shape[0])
        fake_imgs = self.generator(noise=noise, return_noise=False)
        loss, log_vars = self.gen_loss(self.discriminator(fake_imgs))
        optimizer_wrapper.update_params(loss)
        return log_vars
