# paper_512px.py for the grey modalities (chest X-ray, lung CT, brain MRI):
# every image is read as one channel and every method generates one channel
# (the leaf configs set their networks' channels). Metrics that need three
# channels (FID, FRD) repeat the grey one. Brain MRI is grey too: 30 of its
# 253 files hold some colour (channels more than 2 levels apart: JPEG colour
# noise, tinted scans, annotations), which the grey loader drops.
#
# The pipelines and metrics are restated because an mmengine base's lists are
# built with its own values: paper_512px.py's hold a 3-channel loader.
_base_ = ['./paper_512px.py']

data_channels = 1  # what mmskr's tools read (set_image_channels agrees)
img_shape = (1, 512, 512)
load_image = dict(type='LoadMedicalImage', key='gt', channels=1)
resize = dict(
    type='Resize',
    scale=(512, 512),
    keep_ratio=False,
    interpolation='area')
# at 512 px an entry is about 1/3 MiB (one channel): at most 2000 per worker
cache_items = 2000
train_pipeline = [
    dict(
        type='CachedTransforms',
        max_items=cache_items,
        transforms=[load_image, dict(resize, keys='gt')]),
    dict(type='PackInputs')
]
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

metrics = [
    dict(type='PGGANSWD', fake_nums=100),
    dict(type='MSSSIMDiversity', fake_nums=100),
    dict(type='CleanFID', fake_nums=100),
    dict(
        type='SWD',
        prefix='swd',
        fake_nums=-1,
        sample_model=None,
        image_shape=img_shape),
]
val_evaluator = dict(type='Evaluator', metrics=metrics)
test_evaluator = val_evaluator
