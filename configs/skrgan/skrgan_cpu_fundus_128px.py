# SkrGAN on colour fundus (DRIVE training images), CPU-sized at 128x128:
# skrgan_cpu_fundus.py's networks with a 128 px stage (G_S/D_S 16 channels
# there, G_P one more U-Net level), 3000 iterations of batch 16
# (settings/cpu_128px.py). Table 2's synthetic pairs at native resolution
# (experiments/table2/presets.py, `native_cpu`).
_base_ = [
    '../_base_/models/skrgan_cpu.py', '../_base_/datasets/fundus.py',
    '../_base_/settings/cpu_128px.py', '../_base_/default_runtime.py'
]
model = dict(
    sketch_gan=dict(
        generator=dict(out_scale=128),
        discriminator=dict(in_scale=128),
        nkimgs_per_scale={{_base_.progressive_cpu_128_nkimgs}}),
    renderer=dict(generator=dict(num_down=7)))  # 128 -> 1
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.sketch_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the 128 px stage keeps the 64 px stage's halved learning rate
# (progressive_cpu.py says why)
optim_wrapper = dict(
    sketch=dict(
        lr_schedule=dict(
            generator={'128': {{_base_.progressive_cpu_lr_64px}}},
            discriminator={'128': {{_base_.progressive_cpu_lr_64px}}})))
