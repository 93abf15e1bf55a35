# Colour fundus: DRIVE training images (20 RGB TIFF, 565x584). Any folder of
# fundus images works: override data_prefix.
# The data set only (loaders in medical_images.py).
_base_ = ['./medical_images.py']

images = dict(
    data_prefix=dict(gt='DRIVE/training/images'))
train_dataloader = dict(dataset=images)
val_dataloader = dict(dataset=images)
test_dataloader = val_dataloader
