# PGGAN (Karras et al., 2018) on images at 512x512: mmagic's
# ProgressiveGrowingGAN training with PGGANGenerator/PGGANDiscriminator
# (3 channels, mmagic's default widths: 512 channels up to 32 px, halved
# per scale to 16 at 512 px), WGAN-GP loss with drift term. mmagic has no
# model-only base for PGGAN (its configs also set data and runtime), so
# the model is written out here.
#
# Schedule and optimiser are those of SkrGAN's sketch module (G_S/D_S in
# configs/_base_/models/skrgan.py), so PGGAN and G_S grow alike within the
# shared budget: kimg per scale as below, fade-in over 600 kimg, Adam lr
# 0.001, betas (0, 0.99) at every scale (an empty lr_schedule; mmagic's
# PGGANOptimWrapperConstructor builds one optimiser per scale and needs the
# entry). An EMA of the generator is what is sampled, as for G_S.
# Distributed runs leave the layers of other scales without gradients:
# default_runtime.py sets find_unused_parameters for every method.
# FullResolutionPGGAN is mmagic's class trained by SkrGAN's sketch-module
# step (ScheduledPGGAN: a resumable schedule; reals area-shrunk to the
# current scale and faded in with the generator, as in Karras et al.;
# upstream point-samples them bilinearly and does not fade them in), with
# samples nearest-upsampled to 512 px before the last stage, so validation
# (SWD asserts the image shape) works at every stage.
model = dict(
    type='FullResolutionPGGAN',
    data_preprocessor=dict(type='DataPreprocessor'),
    noise_size=512,
    generator=dict(type='PGGANGenerator', noise_size=512, out_scale=512),
    discriminator=dict(type='PGGANDiscriminator', in_scale=512),
    nkimgs_per_scale={
        '4': 600,
        '8': 1200,
        '16': 1200,
        '32': 1200,
        '64': 1200,
        '128': 1200,
        '256': 1200,
        '512': 12000
    },
    transition_kimgs=600,
    interp_real=dict(mode='area'),
    real_fade_in=True,
    # sampling uses the EMA generator, as SkrGAN's G_S (half-life about
    # PGGAN's 10 kimg at batch 16)
    ema_config=dict(interval=1, momentum=0.001))

optim_wrapper = dict(
    constructor='PGGANOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.001, betas=(0., 0.99))),
    discriminator=dict(
        optimizer=dict(type='Adam', lr=0.001, betas=(0., 0.99))),
    lr_schedule=dict(generator=dict(), discriminator=dict()))
