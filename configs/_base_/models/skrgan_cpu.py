# SkrGAN sized for a 2-core CPU: 64x64, narrow networks, schedule fitted
# to 2000 iterations of batch 16 (32 kimg, configs/_base_/settings/
# cpu_64px.py). Same losses and optimizers as the paper. The sketch module
# G_S/D_S is the CPU progressive GAN of progressive_cpu.py (widths,
# schedule, learning rates, EMA; it says why), shared with the CPU PGGAN
# baseline (pggan_cpu.py); its tanh output comes from skrgan.py.
_base_ = ['./skrgan.py', './progressive_cpu.py']

model = dict(
    sketch_gan={{_base_.progressive_cpu_model}},
    renderer=dict(
        generator=dict(num_down=6, base_channels=16),  # 64 -> 1
        discriminator=dict(base_channels=16)))

optim_wrapper = dict(sketch={{_base_.progressive_cpu_optim}})

# sample grids; a collapse check on 16 seeded samples (WARNING in the
# log when they keep less than a third of the training images' MS-SSIM
# diversity; SampleDiversityHook says why); G_P's batch-norm statistics
# fitted to G_S's sketches before each checkpoint (RendererCalibrationHook
# says why)
custom_hooks = [
    dict(type='SkrGANSampleHook', interval=250, num_samples=8),
    dict(
        type='SampleDiversityHook',
        interval=250,
        num_samples=16,
        min_diversity_vs_real=1 / 3),
    # priority ABOVE_NORMAL: runs before the two hooks above
    dict(type='RendererCalibrationHook', interval=500),  # = checkpoints
]
