# Brain MRI (Kaggle tumour detection set): class folders no/yes (labels
# 0/1), mixed sizes and modes (L/RGB/RGBA/P, PNG named .jpg, spaces in
# names).
# The data set only (loaders in medical_images.py).
_base_ = ['./medical_images.py']

images = dict(
    data_prefix=dict(gt='BRAIN_MRI/brain_tumor_dataset'),
    classes=['no', 'yes'])
train_dataloader = dict(dataset=images)
val_dataloader = dict(dataset=images)
test_dataloader = val_dataloader
