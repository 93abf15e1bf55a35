# WGAN with weight clipping (Arjovsky et al., 2017, Algorithm 1) at
# 512x512: the paper's DCGAN networks (mmagic's DCGAN model config with the
# widths of configs/_base_/models/dcgan.py; the critic keeps a linear
# output), Wasserstein loss, every critic weight clipped to [-0.01, 0.01]
# after each critic step, n_critic = 5 critic steps per generator step and
# RMSprop with lr 5e-5 for both networks. mmagic has no such WGAN (mmskr's
# `WGAN`); the WGAN-GP column is configs/_base_/models/wgangp.py.
#
# One iteration is one critic step on one batch, as for mmagic's WGANGP:
# the shared budget (iterations x batch) counts real images shown to the
# critic; the generator takes one step in 5.
_base_ = ['mmagic::_base_/models/dcgan/base_dcgan_64x64.py']

# Sampled through an EMA of the generator, like SkrGAN's G_S and PGGAN
# (the same momentum at this size), so every method of Table 1 is
# sampled the same way (mmagic's BaseGAN keeps it; samples use it).
model = dict(
    ema_config=dict(interval=1, momentum=0.001),
    type='WGAN',
    clip_value=0.01,
    discriminator_steps=5,
    generator=dict(output_scale=512),
    discriminator=dict(input_scale=512, base_channels=16))

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='RMSprop', lr=5e-5)),
    discriminator=dict(optimizer=dict(type='RMSprop', lr=5e-5)))
