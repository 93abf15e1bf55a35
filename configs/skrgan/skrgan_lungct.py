# SkrGAN on lung CT (16-bit HU slices windowed to -1000..400);
# paper settings: 512x512x1 images, 1-channel sketches, batch 16.
_base_ = [
    '../_base_/models/skrgan.py', '../_base_/datasets/lungct.py',
    '../_base_/settings/paper_512px_grey.py', '../_base_/default_runtime.py'
]
# grey images: G_P renders one channel, D_P reads sketch + image (2)
model = dict(
    renderer=dict(
        generator=dict(out_channels=1),
        discriminator=dict(in_channels=2)))
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.sketch_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
