# CPU-sized comparison setting: 64x64x3 images, 2000 iterations of batch 16
# (32 kimg), validated at 64 px with the metrics below. Every method's
# CPU config uses this file, so a comparison differs only in the method.
#
# Sketches are drawn on the full-resolution image (the SketchDraft defaults
# were tuned at 512 px) and area-downsampled with the image: at 64 px a
# 1-pixel vessel of the 512 px sketch becomes a grey stroke instead of
# vanishing, which a sketch computed at 64 px or a re-thresholded one lose.
img_size = 64
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
# at 64 px every image of a data set fits in memory (about 12 KiB each)
cache_items = None
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

train_cfg = dict(by_epoch=False, max_iters=2000, val_interval=2000)

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

# DiffAugment (Zhao et al. 2020) in every discriminator of every method
# (SkrGAN: D_S, and D_P without color; mmskr.apis.config_switches), the
# same switch for all so Table 1 stays fair. Chosen on fundus cells that
# are not Table 1's (benchmarks/results/ablation_cpu/README.md, seed 10):
# it rescues the discriminator-dominated DCGAN and ACGAN on 20 images (SWD
# x1e3 94.7 -> 60.7 and 247.9 -> 51.2) and leaves SkrGAN and PGGAN within
# their seed spread.
# --cfg-options diff_augment=None turns it off.
diff_augment = 'color,translation,cutout'
