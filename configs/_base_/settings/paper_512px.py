# The paper's setting (Sec. 3): 512x512x3 images, batch 16, trained for
# PGGAN's full schedule (1.5M iterations = 24 Mimg), validated at 512 px
# with the metrics below. Every method's paper-sized config
# uses this file, so a comparison differs only in the method.
#
# Sketches are drawn on the full-resolution image and area-resized with it.
img_size = 512
img_shape = (3, img_size, img_size)

load_image = dict(type='LoadMedicalImage', key='gt', channels=3)
resize = dict(
    type='Resize',
    scale=(img_size, img_size),
    keep_ratio=False,
    interpolation='area')

# Every step before PackInputs is deterministic, so each loader worker keeps
# its output per file (CachedTransforms): from the second epoch on a batch
# costs no decoding, and it is bitwise the batch of the uncached pipeline.
# at 512 px an entry is about 1 MiB: at most 2000 per data-loader worker
cache_items = 2000
train_pipeline = [
    dict(
        type='CachedTransforms',
        max_items=cache_items,
        transforms=[load_image, dict(resize, keys='gt')]),
    dict(type='PackInputs')
]
# SkrGAN: image + sketch draft (key 'gt_sketch', 1 channel)
sketch_train_pipeline = [
    dict(
        type='CachedTransforms',
        max_items=cache_items,
        transforms=[
            load_image,
            dict(type='SketchDraft', key='gt', sketch_key='gt_sketch'),
            dict(resize, keys=['gt', 'gt_sketch'])
        ]),
    dict(type='PackInputs', data_keys=['gt_sketch'])
]
val_pipeline = train_pipeline

train_cfg = dict(by_epoch=False, max_iters=1_500_000, val_interval=50_000)

# Table 1's protocol (docs/metrics.md), run in the val/test loop like
# mmagic's own metrics: SWD on the PGGAN protocol and MS-SSIM diversity on
# 100 generated images (the paper's count) against all real images, FID/KID
# through clean-fid (NaN with a message when no Inception weights are found),
# and mmagic's own SWD for comparison with mmagic's published numbers.
metrics = [
    dict(type='PGGANSWD', fake_nums=100),
    dict(type='MSSSIMDiversity', fake_nums=100),
    dict(type='CleanFID', fake_nums=100),
    dict(
        type='SWD',
        prefix='swd',
        fake_nums=-1,
        sample_model=None,  # the model's default: EMA when it has one
        image_shape=img_shape),
]
val_evaluator = dict(type='Evaluator', metrics=metrics)
test_evaluator = val_evaluator
val_cfg = dict(type='MultiValLoop')
test_cfg = dict(type='MultiTestLoop')

# DiffAugment (Zhao et al. 2020) in every discriminator of the model, one
# switch for every method so a comparison stays fair: None (off, the
# paper's recipe) or a policy, e.g. --cfg-options
# diff_augment=color,translation,cutout (SkrGAN's D_P on (sketch, image)
# pairs takes it without color; mmskr.apis.config_switches). On in the CPU
# setting (cpu_64px.py says why); not measured at this size.
diff_augment = None
