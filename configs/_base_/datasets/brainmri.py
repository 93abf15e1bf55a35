# Brain MRI (Kaggle tumour detection set): class folders no/yes (labels
# 0/1), mixed sizes and modes (L/RGB/RGBA/P, PNG named .jpg, spaces in
# names) at the paper's 512x512x3 (aspect ratio not kept).
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
        data_prefix=dict(gt='BRAIN_MRI/brain_tumor_dataset'),
        classes=['no', 'yes'],
        min_images=4,
        pipeline=train_pipeline))

val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=train_dataloader['dataset'])

test_dataloader = val_dataloader
