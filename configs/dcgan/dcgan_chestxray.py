# DCGAN on chest X-ray (NORMAL/PNEUMONIA);
# paper settings: 512x512x1 images, batch 16.
_base_ = [
    '../_base_/models/dcgan.py', '../_base_/datasets/chestxray.py',
    '../_base_/settings/paper_512px_grey.py', '../_base_/default_runtime.py'
]
model = dict(
    generator=dict(out_channels=1), discriminator=dict(in_channels=1))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
