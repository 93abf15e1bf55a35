# PGGAN on lung CT (16-bit HU slices windowed to -1000..400);
# paper settings: 512x512x1 images, batch 16.
_base_ = [
    '../_base_/models/pggan.py', '../_base_/datasets/lungct.py',
    '../_base_/settings/paper_512px_grey.py', '../_base_/default_runtime.py'
]
# mmagic's PGGANGenerator is RGB only; mmskr's subclass takes out_channels
model = dict(
    generator=dict(type='SketchPGGANGenerator', out_channels=1),
    discriminator=dict(in_channels=1))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
