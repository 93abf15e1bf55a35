# ACGAN (Odena et al., 2017) at 512x512: mmskr's ACGAN on the DCGAN
# networks of configs/_base_/models/dcgan.py (mmagic's DCGAN model config;
# the generator multiplies z by a class embedding, the discriminator adds
# an auxiliary classifier head), the paper's losses with equal weights and
# the DCGAN optimiser (Adam, lr 0.0002, betas (0.5, 0.999)). mmagic has no
# ACGAN.
#
# Classes: num_classes=1 here (fundus, lung CT: no classes); the chest
# X-ray and brain MRI leaf configs set num_classes=2 to match their data
# set's classes. ClassFrequencyHook copies the training set's class
# frequencies into the model at the start of training (generated labels
# and unconditional samples follow them) and stops with an error if the
# data set's class count differs from num_classes.
_base_ = ['mmagic::_base_/models/dcgan/base_dcgan_64x64.py']

# Sampled through an EMA of the generator, like SkrGAN's G_S and PGGAN
# (the same momentum at this size), so every method of Table 1 is
# sampled the same way (mmagic's BaseGAN keeps it; samples use it).
model = dict(
    ema_config=dict(interval=1, momentum=0.001),
    type='ACGAN',
    num_classes=1,
    generator=dict(type='ACGANGenerator', output_scale=512),
    discriminator=dict(
        type='ACGANDiscriminator', input_scale=512, base_channels=16))

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999))),
    discriminator=dict(
        optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999))))

custom_hooks = [dict(type='ClassFrequencyHook')]
