# SkrGAN sized for a 2-core CPU: 64x64, narrow networks, schedule fitted
# to 2000 iterations of batch 16 (32 kimg, configs/_base_/settings/
# cpu_64px.py). Same losses, optimizers and learning rates as the paper.
_base_ = ['./skrgan.py']

model = dict(
    sketch_gan=dict(
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
        transition_kimgs=2),
    renderer=dict(
        generator=dict(num_down=6, base_channels=16),  # 64 -> 1
        discriminator=dict(base_channels=16)))

# sample grids; a collapse check on 16 seeded samples (WARNING in the log)
custom_hooks = [
    dict(type='SkrGANSampleHook', interval=250, num_samples=8),
    dict(type='SampleDiversityHook', interval=250, num_samples=16)
]
