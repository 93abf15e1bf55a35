# WGAN-GP on lung CT (16-bit HU slices windowed to -1000..400);
# CPU-sized: 64x64x1, narrow networks, 2000 iterations of batch 16.
_base_ = [
    '../_base_/models/wgangp_cpu.py', '../_base_/datasets/lungct.py',
    '../_base_/settings/cpu_64px_grey.py', '../_base_/default_runtime.py'
]
model = dict(
    generator=dict(out_channels=1), discriminator=dict(in_channel=1))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
