# PGGAN sized for a 2-core CPU: 64x64, the widths (64 channels, 32 at
# 64 px), noise 128, schedule (2000 iterations of batch 16 = 32 kimg,
# fade-in 2 kimg) and learning rates (5e-4, 2.5e-4 at 64 px) of SkrGAN's
# CPU sketch module (configs/_base_/models/skrgan_cpu.py, which says why).
# Same loss and optimiser as configs/_base_/models/pggan.py.
_base_ = ['./pggan.py']

widths = dict(base_channels=1024, max_channels=64)
model = dict(
    noise_size=128,
    generator=dict(noise_size=128, out_scale=64, **widths),
    discriminator=dict(in_scale=64, **widths),
    nkimgs_per_scale=dict(
        _delete_=True, **{
            '4': 2,
            '8': 4,
            '16': 6,
            '32': 8,
            '64': 12
        }),
    transition_kimgs=2,
    ema_config=dict(interval=1, momentum=0.01))  # as SkrGAN's CPU G_S

lr = 0.0005
lr_64px = 0.00025
optim_wrapper = dict(
    generator=dict(optimizer=dict(lr=lr)),
    discriminator=dict(optimizer=dict(lr=lr)),
    lr_schedule=dict(generator={'64': lr_64px}, discriminator={'64': lr_64px}))
