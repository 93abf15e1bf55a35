# The one place the data root is read. mmengine substitutes
# `{{$VAR:default}}` with the environment variable when the config is loaded
# (also when this file is loaded as a base), so
#   MMSKR_DATA_ROOT=/path/to/data python tools/train.py CONFIG
# points every dataset config at /path/to/data; unset, it is `data`, relative
# to the working directory (e.g. a `data` symlink in the repository root,
# which .gitignore ignores). A leaf config cannot re-point it by assigning
# `data_root` (the dataset bases have already used the value): set the
# variable, or `--cfg-options train_dataloader.dataset.data_root=...`.
data_root = '{{$MMSKR_DATA_ROOT:data}}'
