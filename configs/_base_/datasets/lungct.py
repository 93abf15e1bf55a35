# Lung CT (Kaggle kmader 2D slices): 512x512 signed 16-bit TIFF in
# Hounsfield-like units; LoadMedicalImage windows them to [-1000, 400] HU.
# The data set only (loaders in medical_images.py).
_base_ = ['./medical_images.py']

images = dict(
    data_prefix=dict(gt='LUNG_CT_KMADER/2d_images'))
train_dataloader = dict(dataset=images)
val_dataloader = dict(dataset=images)
test_dataloader = val_dataloader
