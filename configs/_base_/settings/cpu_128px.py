# The CPU setting (cpu_64px.py) one scale up, for Table 2's synthetic
# vessel pairs at native resolution (experiments/table2/presets.py,
# `native_cpu`): 128x128x3, batch 16, the CPU progressive schedule of
# configs/_base_/models/progressive_cpu.py plus a 128 px stage
# (`progressive_cpu_128_nkimgs`: 16 kimg), 3000 iterations (48 kimg) in all.
#
# Everything else is cpu_64px.py's; below is what depends on the size.
_base_ = ['./cpu_64px.py']

img_size = 128
img_shape = (3, img_size, img_size)

load_image = {{_base_.load_image}}
resize = dict(
    type='Resize',
    scale=(img_size, img_size),
    keep_ratio=False,
    interpolation='area')

# at 128 px every image of a small data set fits in memory (64 KiB each)
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

# the 64 px run's 2000 iterations (32 kimg) and 1000 more at 128 px
# (the progressive models' `nkimgs_per_scale`, replacing their 64 px one)
progressive_cpu_128_nkimgs = dict(
    _delete_=True, **{
        '4': 2,
        '8': 4,
        '16': 6,
        '32': 8,
        '64': 12,
        '128': 16
    })
train_cfg = dict(by_epoch=False, max_iters=3000, val_interval=3000)

# cpu_64px.py's metrics at this size
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
