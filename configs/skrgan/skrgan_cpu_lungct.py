# SkrGAN on lung CT (16-bit HU slices windowed to -1000..400); CPU-sized: 64x64, narrow networks, 2000 iterations of batch 16.
_base_ = [
    '../_base_/models/skrgan_cpu.py', '../_base_/datasets/lungct.py',
    '../_base_/default_runtime.py'
]

batch_size = 16
train_pipeline = [
    dict(type='LoadMedicalImage', key='gt', channels=3),
    dict(type='Resize', keys='gt', scale=(64, 64), keep_ratio=False),
    dict(type='SketchDraft', key='gt', sketch_key='gt_sketch'),
    dict(type='PackInputs', data_keys=['gt_sketch'])
]
val_pipeline = [
    dict(type='LoadMedicalImage', key='gt', channels=3),
    dict(type='Resize', keys='gt', scale=(64, 64), keep_ratio=False),
    dict(type='PackInputs')
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    dataset=dict(min_images=batch_size, pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=250))
val_dataloader = dict(
    batch_size=batch_size, dataset=dict(min_images=1, pipeline=val_pipeline))
test_dataloader = val_dataloader

