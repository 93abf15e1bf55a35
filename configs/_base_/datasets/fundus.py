# Colour fundus: DRIVE training images (20 RGB TIFF, 565x584) at the paper's
# 512x512x3. Any folder of fundus images works: override data_prefix.
# Leaf configs set batch_size and dataset.min_images together.
_base_ = ['../data_root.py']

train_pipeline = [
    dict(type='LoadMedicalImage', key='gt', channels=3),
    dict(type='Resize', keys='gt', scale=(512, 512)),
    dict(type='PackInputs')
]

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='MedicalImageDataset',
        data_root={{_base_.data_root}},
        data_prefix=dict(gt='DRIVE/training/images'),
        min_images=4,
        pipeline=train_pipeline))

val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=train_dataloader['dataset'])

test_dataloader = val_dataloader
