# SkrGAN at the paper's 512x512 (Sec. 3): G_S/D_S = PGGAN (Adam, lr 0.001),
# G_P = U-Net, D_P = conditional PatchGAN (Adam, lr 0.0002), lambda = 100,
# batch 16 (set by the data set base). Image size, budget and metrics come
# from configs/_base_/settings/.
sketch_channels = 1
image_channels = 3
model = dict(
    type='SkrGAN',
    data_preprocessor=dict(
        type='DataPreprocessor', data_keys=['gt_img', 'gt_sketch']),
    sketch_gan=dict(
        type='ProgressiveSketchGAN',
        data_preprocessor=dict(type='DataPreprocessor'),
        noise_size=512,
        generator=dict(
            type='SketchPGGANGenerator',
            noise_size=512,
            out_scale=512,
            out_channels=sketch_channels,
            # sketches are mostly background at exactly -1: a linear output
            # leaves it grey and noisy (docs/lab_notes.md, "CPU budget notes")
            out_act='tanh'),
        discriminator=dict(
            type='PGGANDiscriminator',
            in_scale=512,
            in_channels=sketch_channels),
        # PGGAN's schedule (thousands of images shown per resolution)
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
        # reals area-shrunk to the current scale (a 1 px stroke stays a
        # faint line; upstream's bilinear point-samples it away) and faded
        # in with the generator (ScheduledPGGAN)
        interp_real=dict(mode='area'),
        real_fade_in=True,
        # sampling uses an EMA of G_S (mmagic's default when a model has
        # one), half-life about PGGAN's 10 kimg at batch 16
        ema_config=dict(interval=1, momentum=0.001)),
    renderer=dict(
        type='SketchRenderer',
        data_preprocessor=dict(type='DataPreprocessor'),
        generator=dict(
            type='UnetGenerator',
            in_channels=sketch_channels,
            out_channels=image_channels,
            num_down=9,  # 512 -> 1
            base_channels=64,
            norm_cfg=dict(type='BN'),
            use_dropout=True,
            init_cfg=dict(type='normal', gain=0.02)),
        discriminator=dict(
            type='PatchDiscriminator',
            in_channels=sketch_channels + image_channels,
            base_channels=64,
            num_conv=3,
            norm_cfg=dict(type='BN'),
            init_cfg=dict(type='normal', gain=0.02)),
        loss_config=dict(pixel_loss_weight=100.),  # Eq. (2): lambda
        # augmentation of G_P's (sketch, image) pairs (pair_augment.py):
        # stroke gamma, blur, grid-cell dropout of the sketch, one small
        # affine map of sketch and image alike. Chosen on held-out pairs
        # (benchmarks/results/ablation_cpu/README.md, fundus, 3 seeds): the
        # renders of unseen drafts scored SWD 104.6 +- 1.3 with it against
        # 161.8 +- 6.7 without (FRD 7.47 against 8.65); the training pairs'
        # renders stay as close (29.7 against 33.8). Without it G_P is a
        # lookup table of its 20-253 pairs.
        pair_augment=dict(gamma=1.5, blur=1., dropout=0.1, degrees=5.,
                          scale=0.05, translate=0.03)))

optim_wrapper = dict(
    constructor='SkrGANOptimWrapperConstructor',
    sketch=dict(
        generator=dict(optimizer=dict(type='Adam', lr=0.001, betas=(0.,
                                                                    0.99))),
        discriminator=dict(
            optimizer=dict(type='Adam', lr=0.001, betas=(0., 0.99)))),
    render=dict(
        generators=dict(
            optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999))),
        discriminators=dict(
            optimizer=dict(type='Adam', lr=0.0002, betas=(0.5, 0.999)))))

# sample grids; a collapse check on 16 seeded samples (WARNING in the
# log when they keep less than a third of the training images' MS-SSIM
# diversity; SampleDiversityHook says why); G_P's batch-norm statistics
# fitted to G_S's sketches before each checkpoint (RendererCalibrationHook
# says why)
custom_hooks = [
    dict(type='SkrGANSampleHook', interval=5000, num_samples=8),
    dict(
        type='SampleDiversityHook',
        interval=5000,
        num_samples=16,
        min_diversity_vs_real=1 / 3),
    # priority ABOVE_NORMAL: runs before the two hooks above
    dict(type='RendererCalibrationHook', interval=500),  # = checkpoints
]
