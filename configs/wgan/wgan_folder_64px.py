# WGAN (weight clipping) on a folder of your own images (--data-root DIR);
# CPU-sized: 64x64, narrow networks, 2000 iterations of batch 16.
_base_ = [
    '../_base_/models/wgan_cpu.py', '../_base_/datasets/folder.py',
    '../_base_/settings/cpu_64px.py', '../_base_/default_runtime.py'
]
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
