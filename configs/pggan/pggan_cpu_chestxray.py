# PGGAN on chest X-ray (NORMAL/PNEUMONIA);
# CPU-sized: 64x64x1, narrow networks, 2000 iterations of batch 16.
_base_ = [
    '../_base_/models/pggan_cpu.py', '../_base_/datasets/chestxray.py',
    '../_base_/settings/cpu_64px_grey.py', '../_base_/default_runtime.py'
]
# mmagic's PGGANGenerator is RGB only; mmskr's subclass takes out_channels
model = dict(
    generator=dict(type='SketchPGGANGenerator', out_channels=1),
    discriminator=dict(in_channels=1))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
