# WGAN-GP (Gulrajani et al., 2017) at 512x512, as in mmagic's WGAN-GP
# configs (wgan-gp/wgangp_GN_1xb64-160kiters_celeba-cropped-128x128.py):
# mmagic's WGANGP model, the generator and critic of PGGAN's training
# configuration (a), group-normalised critic, gradient penalty weight 10,
# n_critic = 5 critic steps per generator step, Adam lr 0.0001, betas
# (0.5, 0.9). mmagic has no model-only base for WGAN-GP, and mmengine
# cannot inherit `mmagic::wgan-gp/...` (it rejects the hyphen), so the
# model is written out here.
#
# mmagic's WGANGPGenerator/WGANGPDiscriminator stop at 128 px (their widths
# are a class attribute). ScalableWGANGPGenerator/-Discriminator are the
# same networks with the widths as an argument: by default mmagic's (512 at
# 4 and 8 px, 256, 128, 64, 32 at 128 px), continued by halving to 16 at
# 256 px and 8 at 512 px.
# WGANGP reads loss_config['loss_weight'] and ['norm_mode']; the stock
# configs' gp_loss_weight/gp_norm_mode keys are ignored upstream.
# One iteration is one critic step on one batch (the generator steps every
# 5th), as in mmagic.
# Sampled through an EMA of the generator, like SkrGAN's G_S and PGGAN
# (the same momentum at this size), so every method of Table 1 is
# sampled the same way (mmagic's BaseGAN keeps it; samples use it).
model = dict(
    ema_config=dict(interval=1, momentum=0.001),
    type='WGANGP',
    data_preprocessor=dict(type='DataPreprocessor'),
    generator=dict(
        type='ScalableWGANGPGenerator', noise_size=128, out_scale=512),
    discriminator=dict(
        type='ScalableWGANGPDiscriminator',
        in_channel=3,
        in_scale=512,
        conv_module_cfg=dict(
            conv_cfg=None,
            kernel_size=3,
            stride=1,
            padding=1,
            bias=True,
            act_cfg=dict(type='LeakyReLU', negative_slope=0.2),
            norm_cfg=dict(type='GN'),
            order=('conv', 'norm', 'act'))),
    discriminator_steps=5,
    loss_config=dict(norm_mode='HWC', loss_weight=10))

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.0001, betas=(0.5, 0.9))),
    discriminator=dict(
        optimizer=dict(type='Adam', lr=0.0001, betas=(0.5, 0.9))))
