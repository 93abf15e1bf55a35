# DCGAN on a folder of your own images (--data-root DIR);
# paper settings: 512x512x3 images, batch 16.
_base_ = [
    '../_base_/models/dcgan.py', '../_base_/datasets/folder.py',
    '../_base_/settings/paper_512px.py', '../_base_/default_runtime.py'
]
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
