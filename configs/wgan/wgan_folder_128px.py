# WGAN (weight clipping) on a folder of your own images (--data-root DIR);
# the paper's models at 128x128x3, batch 16 (settings/paper_128px.py).
_base_ = [
    '../_base_/models/wgan.py', '../_base_/datasets/folder.py',
    '../_base_/settings/paper_128px.py', '../_base_/default_runtime.py'
]
model = dict(
    generator=dict(output_scale=128), discriminator=dict(input_scale=128))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
