# Lung CT (Kaggle kmader 2D slices): 512x512 signed 16-bit TIFF in
# Hounsfield-like units; LoadMedicalImage windows them to [-1000, 400] HU.
# The data set only: the pipelines, image size and budget come from a
# settings base (configs/_base_/settings/), which leaf configs plug in with
# dataset.pipeline={{_base_.train_pipeline}}. Batch 16 as in the paper.
_base_ = ['../data_root.py']

batch_size = 16
dataset = dict(
    type='MedicalImageDataset',
    data_root={{_base_.data_root}},
    data_prefix=dict(gt='LUNG_CT_KMADER/2d_images'),
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
