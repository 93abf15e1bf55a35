# SkrGAN sized for a 2-core CPU: 64x64, narrow networks, 2000 iterations of
# batch 16 (32 kimg). Same losses, optimizers and learning rates as the paper.
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

train_cfg = dict(max_iters=2000, val_interval=2000)
custom_hooks = [dict(type='SkrGANSampleHook', interval=250, num_samples=8)]

metrics = [
    dict(
        type='SWD',
        prefix='swd',
        fake_nums=-1,
        sample_model='orig',
        image_shape=(3, 64, 64)),
    dict(type='MS_SSIM', prefix='ms-ssim', fake_nums=100, sample_model='orig')
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
