# SkrGAN sized for a 2-core CPU: 64x64, narrow networks, schedule fitted
# to 2000 iterations of batch 16 (32 kimg, configs/_base_/settings/
# cpu_64px.py). Same losses and optimizers as the paper; two changes for
# this short budget, both measured on lung CT (README, "CPU budget"):
# - G_S/D_S are 64 channels wide up to 32 px and 32 at 64 px
#   (base_channels 1024: 1024 / 2**5), which makes the 64 px stage, the
#   bulk of the run, about 2.5x cheaper;
# - G_S/D_S learn at 5e-4 instead of PGGAN's 1e-3: at 1e-3 the sketch
#   generator collapsed towards one sketch from iteration ~1000 (MS-SSIM
#   of 16 sketches 0.32 at 1000, 0.89 at 1500, 0.98 at 2000, 32-channel
#   run); at 5e-4 later and less (0.28, 0.49, 0.86);
# - and at 2.5e-4 in the 64 px stage, the second half of the run: the
#   late collapse shrinks again (lung CT SWD x1e3 of the trained G_S at
#   iteration 2000: 63.8 -> 45.2, EMA 45.9 -> 43.2; benchmarks/results/
#   skrgan_cpu_tuning/README.md, round d); on fundus it did not help
#   (Table 1 cell SWD 130.9 -> 136.3). PGGAN's CPU config (pggan_cpu.py)
#   uses the same schedule.
_base_ = ['./skrgan.py']

sketch_widths = dict(base_channels=1024, max_channels=64)
model = dict(
    sketch_gan=dict(
        noise_size=128,
        generator=dict(noise_size=128, out_scale=64, **sketch_widths),
        discriminator=dict(in_scale=64, **sketch_widths),
        nkimgs_per_scale=dict(
            _delete_=True, **{
                '4': 2,
                '8': 4,
                '16': 6,
                '32': 8,
                '64': 12
            }),
        transition_kimgs=2,
        # EMA half-life ~70 iterations (1.1 kimg), sized to this short run
        ema_config=dict(interval=1, momentum=0.01)),
    renderer=dict(
        generator=dict(num_down=6, base_channels=16),  # 64 -> 1
        discriminator=dict(base_channels=16)))

sketch_lr = 0.0005
sketch_lr_64px = 0.00025
optim_wrapper = dict(
    sketch=dict(
        generator=dict(optimizer=dict(lr=sketch_lr)),
        discriminator=dict(optimizer=dict(lr=sketch_lr)),
        # per-scale lr of mmagic's PGGANOptimWrapperConstructor
        lr_schedule=dict(
            generator={'64': sketch_lr_64px},
            discriminator={'64': sketch_lr_64px})))

# sample grids; a collapse check on 16 seeded samples (WARNING in the log)
custom_hooks = [
    dict(type='SkrGANSampleHook', interval=250, num_samples=8),
    dict(type='SampleDiversityHook', interval=250, num_samples=16)
]
