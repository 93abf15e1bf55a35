# PGGAN on colour fundus (DRIVE training images), CPU-sized at 128x128:
# pggan_cpu_fundus.py's networks with a 128 px stage, 3000 iterations of
# batch 16 (settings/cpu_128px.py): the `other` arm of Table 2 at native
# resolution (experiments/table2/presets.py, `native_cpu`).
_base_ = [
    '../_base_/models/pggan_cpu.py', '../_base_/datasets/fundus.py',
    '../_base_/settings/cpu_128px.py', '../_base_/default_runtime.py'
]
model = dict(
    generator=dict(out_scale=128),
    discriminator=dict(in_scale=128),
    nkimgs_per_scale={{_base_.progressive_cpu_128_nkimgs}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the 128 px stage keeps the 64 px stage's halved learning rate
# (progressive_cpu.py says why)
optim_wrapper = dict(
    lr_schedule=dict(
        generator={'128': {{_base_.progressive_cpu_lr_64px}}},
        discriminator={'128': {{_base_.progressive_cpu_lr_64px}}}))
