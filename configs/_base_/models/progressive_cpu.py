# The progressive GAN sized for a 2-core CPU, written once for both models
# that use it: SkrGAN's sketch module G_S/D_S (skrgan_cpu.py, as
# `model.sketch_gan` / `optim_wrapper.sketch`) and the PGGAN baseline
# (pggan_cpu.py, as `model` / `optim_wrapper`), so the two are trained and
# sampled alike. 64x64, 2000 iterations of batch 16 (32 kimg,
# configs/_base_/settings/cpu_64px.py). Why these values (all measured on
# lung CT, benchmarks/results/skrgan_cpu_tuning/README.md):
# - 64 channels up to 32 px and 32 at 64 px (base_channels 1024:
#   1024 / 2**5), which makes the 64 px stage, the bulk of the run, about
#   2.5x cheaper;
# - lr 5e-4 instead of PGGAN's 1e-3: at 1e-3 the sketch generator collapsed
#   towards one sketch from iteration ~1000 (MS-SSIM of 16 sketches 0.32 at
#   1000, 0.89 at 1500, 0.98 at 2000, 32-channel run); at 5e-4 later and
#   less (0.28, 0.49, 0.86);
# - and 2.5e-4 in the 64 px stage, the second half of the run: the late
#   collapse shrinks again (lung CT SWD x1e3 of the trained G_S at
#   iteration 2000: 63.8 -> 45.2, EMA 45.9 -> 43.2, round d); on fundus it
#   did not help (Table 1 cell SWD 130.9 -> 136.3);
# - an EMA generator with half-life ~70 iterations (1.1 kimg), sized to
#   this short run (round c).
# The names below are base variables: use them as {{_base_.NAME}}.
progressive_cpu_widths = dict(base_channels=1024, max_channels=64)
progressive_cpu_model = dict(
    noise_size=128,
    generator=dict(noise_size=128, out_scale=64, **progressive_cpu_widths),
    discriminator=dict(in_scale=64, **progressive_cpu_widths),
    # kimg per scale (32 in all), replacing the 512 px schedule of the base
    nkimgs_per_scale=dict(
        _delete_=True, **{'4': 2, '8': 4, '16': 6, '32': 8, '64': 12}),
    transition_kimgs=2,
    ema_config=dict(interval=1, momentum=0.01))

progressive_cpu_lr = 0.0005
progressive_cpu_lr_64px = 0.00025
progressive_cpu_optim = dict(
    generator=dict(optimizer=dict(lr=progressive_cpu_lr)),
    discriminator=dict(optimizer=dict(lr=progressive_cpu_lr)),
    # per-scale lr of mmagic's PGGANOptimWrapperConstructor
    lr_schedule=dict(
        generator={'64': progressive_cpu_lr_64px},
        discriminator={'64': progressive_cpu_lr_64px}))
