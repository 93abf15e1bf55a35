# Your own images: the data root IS the image folder, e.g.
#   python tools/train.py configs/skrgan/skrgan_folder_64px.py --data-root DIR
# Every image under it, recursively, in any format MedicalImageDataset reads
# (PNG, JPEG, TIFF incl. 16-bit and signed, BMP, ...), unlabeled; class
# sub-folders become labels with classes='auto' (the ACGAN folder configs
# set it). Intensities of more than 8 bits per sample (16-bit PNG/TIFF,
# float TIFF) are windowed by each image's own 0.5 / 99.5 percentiles;
# for a fixed window (CT in HU) pass
#   --cfg-options train_dataloader.dataset.window="[-1000,400]"
# (and the same for val_/test_dataloader). The training log starts with
# what was found (DataSummaryHook). The data set (loaders in
# medical_images.py) and its channels.
_base_ = ['./medical_images.py']

images = dict(data_prefix=dict(gt=''), window='percentile')
train_dataloader = dict(dataset=images)
val_dataloader = dict(dataset=images)
test_dataloader = val_dataloader
# 1 when every image is single-channel (grey networks, metrics and
# samples), else 3 (grey images replicated); filled in from the data
# (mmskr.apis.config_from_data; the log says which)
data_channels = 'auto'
