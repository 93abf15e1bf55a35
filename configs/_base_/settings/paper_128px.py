# The paper's models and schedule at 128x128x3, batch 16: a size between
# the CPU setting (cpu_64px.py) and the paper's 512 px (paper_512px.py),
# for a GPU. PGGAN's schedule stops at 128 px, whose stage takes the 12000
# kimg of the paper's last stage (`progressive_nkimgs`, used by the
# progressive models' leaf configs); the run lasts the paper's 1.5M
# iterations (24 Mimg), the last stage running to the end.
#
# Everything else is paper_512px.py's; below is what depends on the size.
_base_ = ['./paper_512px.py']

img_size = 128
img_shape = (3, img_size, img_size)

load_image = {{_base_.load_image}}
resize = dict(
    type='Resize',
    scale=(img_size, img_size),
    keep_ratio=False,
    interpolation='area')

# at 128 px an entry is about 64 KiB: at most 32000 per data-loader worker
cache_items = 32000
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

# PGGAN's kimg per scale, up to 128 px (ProgressiveSketchGAN and
# FullResolutionPGGAN: `nkimgs_per_scale`, replacing the 512 px schedule)
progressive_nkimgs = dict(
    _delete_=True,
    **{
        '4': 600,
        '8': 1200,
        '16': 1200,
        '32': 1200,
        '64': 1200,
        '128': 12000
    })

# paper_512px.py's metrics at this size
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
