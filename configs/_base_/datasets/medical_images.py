# What every modality's data set base shares: MedicalImageDataset under the
# data root, batch 16 as in the paper, an infinite shuffled train loader and a
# sequential val/test loader over the same images. Modality bases set only
# data_prefix (and classes); the pipelines, image size and budget come from a
# settings base (configs/_base_/settings/), which leaf configs plug in with
# dataset.pipeline={{_base_.train_pipeline}}.
_base_ = ['../data_root.py']

batch_size = 16
dataset = dict(
    type='MedicalImageDataset',
    data_root={{_base_.data_root}},
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
