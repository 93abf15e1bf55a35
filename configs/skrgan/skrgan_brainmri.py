# SkrGAN on brain MRI (mixed modes, yes/no); paper settings: 512x512x3 images, 1-channel sketches, batch 16.
_base_ = [
    '../_base_/models/skrgan.py', '../_base_/datasets/brainmri.py',
    '../_base_/default_runtime.py'
]

batch_size = 16
train_pipeline = [
    dict(type='LoadMedicalImage', key='gt', channels=3),
    dict(type='Resize', keys='gt', scale=(512, 512), keep_ratio=False),
    dict(type='SketchDraft', key='gt', sketch_key='gt_sketch'),
    dict(type='PackInputs', data_keys=['gt_sketch'])
]
val_pipeline = [
    dict(type='LoadMedicalImage', key='gt', channels=3),
    dict(type='Resize', keys='gt', scale=(512, 512), keep_ratio=False),
    dict(type='PackInputs')
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    dataset=dict(min_images=batch_size, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size, dataset=dict(min_images=1, pipeline=val_pipeline))
test_dataloader = val_dataloader

