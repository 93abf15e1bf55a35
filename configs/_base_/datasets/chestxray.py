# Chest X-ray (Kermany et al. pneumonia set): class folders NORMAL/PNEUMONIA
# (labels 0/1 for conditional models), RGB JPEG 224x224. The shared copy has
# no train/ split (its val/ and test/ both come from Kaggle's train split), so
# both are used: 1566 images. With the full Kaggle download use
# data_prefix=dict(gt='chest_xray/train').
# The data set only (loaders in medical_images.py).
_base_ = ['./medical_images.py']

images = dict(
    data_prefix=dict(gt=['CHEST_XRAY_PNEUMONIA/chest_xray_224/val',
                     'CHEST_XRAY_PNEUMONIA/chest_xray_224/test']),
    classes=['NORMAL', 'PNEUMONIA'])
train_dataloader = dict(dataset=images)
val_dataloader = dict(dataset=images)
test_dataloader = val_dataloader
