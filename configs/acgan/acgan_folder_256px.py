# ACGAN on a folder of your own images (--data-root DIR);
# the paper's models at 256x256x3, batch 16 (settings/paper_256px.py).
_base_ = [
    '../_base_/models/acgan.py', '../_base_/datasets/folder.py',
    '../_base_/settings/paper_256px.py', '../_base_/default_runtime.py'
]
# class sub-folders are the labels; their count is read from the data
# (mmskr.apis.config_from_data)
model = dict(
    generator=dict(output_scale=256),
    discriminator=dict(input_scale=256),
    num_classes='auto')
train_dataloader = dict(
    dataset=dict(classes='auto', pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(classes='auto', pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
