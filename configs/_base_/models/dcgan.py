# DCGAN (Radford et al., 2016) at the paper's 512x512: mmagic's own DCGAN
# model config (DCGANGenerator, DCGANDiscriminator, noise 100, vanilla GAN
# loss) and the optimiser of mmagic's DCGAN configs (Adam, lr 0.0002,
# betas (0.5, 0.999)). Batch, image size, budget and metrics come from
# the data set and settings bases, as for every method. mmskr's compat
# module (loaded by custom_imports) fixes DCGANDiscriminator.init_weights
# (mmagic#2109), which otherwise crashes Runner.train().
#
# Widths at 512 px: the generator keeps mmagic's base_channels=1024 (1024
# channels at 4 px, halved per up-sampling to 16 at 256 px). The
# discriminator doubles its width per down-sampling from base_channels; the
# stock 128 would reach 8192 channels at 4 px over 7 down-samplings (about
# 0.7 G parameters), so base_channels=16 is used, which keeps the stock top
# width (1024 channels on the 4x4 map, as at 64 px) and adds narrow
# high-resolution layers (16 channels at 256 px).
_base_ = ['mmagic::_base_/models/dcgan/base_dcgan_64x64.py']

# Sampled through an EMA of the generator, like SkrGAN's G_S and PGGAN
# (the same momentum at this size), so every method of Table 1 is
# sampled the same way (mmagic's BaseGAN keeps it; samples use it).
model = dict(
    ema_config=dict(interval=1, momentum=0.001),
    generator=dict(output_scale=512),
    discriminator=dict(input_scale=512, base_channels=16))

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999))),
    discriminator=dict(
        optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999))))
