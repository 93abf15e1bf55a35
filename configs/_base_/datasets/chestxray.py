# Chest X-ray (Kermany et al. pneumonia set): class folders NORMAL/PNEUMONIA
# (labels 0/1 for conditional models), RGB JPEG 224x224. The shared copy has
# no train/ split (its val/ and test/ both come from Kaggle's train split), so
# both are used: 1566 images. With the full Kaggle download use
# data_prefix=dict(gt='chest_xray/train').
# The data set only: the pipelines, image size and budget come from a
# settings base (configs/_base_/settings/), which leaf configs plug in with
# dataset.pipeline={{_base_.train_pipeline}}. Batch 16 as in the paper.
_base_ = ['../data_root.py']

batch_size = 16
dataset = dict(
    type='MedicalImageDataset',
    data_root={{_base_.data_root}},
    data_prefix=dict(gt=['CHEST_XRAY_PNEUMONIA/chest_xray_224/val',
                     'CHEST_XRAY_PNEUMONIA/chest_xray_224/test']),
    classes=['NORMAL', 'PNEUMONIA'],
    min_images=batch_size)

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dataset)
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(dataset, min_images=1))
test_dataloader = val_dataloader
