# PGGAN sized for a 2-core CPU: 64x64, at most 64 channels, noise 128 and
# the schedule of SkrGAN's CPU sketch module (configs/_base_/models/
# skrgan_cpu.py: 2000 iterations of batch 16 = 32 kimg, fade-in 2 kimg).
# Same loss and optimiser as configs/_base_/models/pggan.py.
_base_ = ['./pggan.py']

model = dict(
    noise_size=128,
    generator=dict(noise_size=128, out_scale=64, max_channels=64),
    discriminator=dict(in_scale=64, max_channels=64),
    nkimgs_per_scale=dict(
        _delete_=True, **{
            '4': 2,
            '8': 4,
            '16': 6,
            '32': 8,
            '64': 12
        }),
    transition_kimgs=2)
