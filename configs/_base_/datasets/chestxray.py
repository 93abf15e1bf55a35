# Chest X-ray (Kermany et al. pneumonia set): class folders NORMAL/PNEUMONIA
# (labels 0/1 for conditional models), RGB JPEG 224x224 at the paper's
# 512x512x3. The shared copy has no train/ split (its val/ and test/ both come
# from Kaggle's train split), so both are used: 1566 images. With the full
# Kaggle download use data_prefix=dict(gt='chest_xray/train').
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
        data_prefix=dict(gt=['CHEST_XRAY_PNEUMONIA/chest_xray_224/val',
                             'CHEST_XRAY_PNEUMONIA/chest_xray_224/test']),
        classes=['NORMAL', 'PNEUMONIA'],
        min_images=4,
        pipeline=train_pipeline))

val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=train_dataloader['dataset'])

test_dataloader = val_dataloader
