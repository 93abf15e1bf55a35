"""Pure metric maths on image arrays (numpy or torch, NCHW, [0, 255])."""
from .fid import (FID_KEY, INCEPTION_ENV, INCEPTION_FILENAME, KID_KEY,
                  KID_STD_KEY, NA, CleanInception, FIDResult, InceptionLookup,
                  compute_fid_kid, feature_statistics, fid_kid_from_features,
                  find_inception_weights, format_value, frechet_distance,
                  frechet_distance_from_features, inception_weights_help,
                  kernel_inception_distance, load_clean_inception)
from .frd import FRD_KEY, FRD_LABEL, FRDResult, compute_frd, luminance
from .memorisation import COPY_PERCENTILE, memorisation, nearest_distances
from .ms_ssim import (MS_SSIM_WEIGHTS, ms_ssim_diversity, ms_ssim_num_scales,
                      ms_ssim_pairs, ms_ssim_weights, random_pairs)
from .image_checks import ImageArray, check_images
from .sketch_connectivity import sketch_connectivity
from .swd import (SWD_AVG_KEY, SWD_SCALE, laplacian_pyramid,
                  pggan_swd, sliced_wasserstein, swd_descriptors,
                  swd_from_descriptors, swd_resolutions, wasserstein1d_sorted)
from .vessel_metrics import METRIC_KEYS, pooled_fov_pixels, vessel_metrics

__all__ = [
    'FID_KEY', 'INCEPTION_ENV', 'INCEPTION_FILENAME', 'KID_KEY',
    'KID_STD_KEY', 'NA', 'CleanInception', 'FIDResult', 'InceptionLookup',
    'compute_fid_kid', 'feature_statistics', 'fid_kid_from_features',
    'find_inception_weights', 'format_value', 'frechet_distance',
    'frechet_distance_from_features',
    'inception_weights_help', 'kernel_inception_distance',
    'load_clean_inception', 'MS_SSIM_WEIGHTS', 'ms_ssim_diversity',
    'ms_ssim_num_scales', 'ms_ssim_pairs', 'ms_ssim_weights', 'random_pairs',
    'ImageArray', 'SWD_AVG_KEY', 'SWD_SCALE', 'check_images',
    'laplacian_pyramid',
    'pggan_swd', 'sliced_wasserstein', 'swd_descriptors',
    'swd_from_descriptors', 'swd_resolutions', 'wasserstein1d_sorted',
    'METRIC_KEYS', 'pooled_fov_pixels', 'vessel_metrics',
    'FRD_KEY', 'FRD_LABEL', 'FRDResult', 'compute_frd', 'luminance',
    'COPY_PERCENTILE', 'memorisation', 'nearest_distances',
    'sketch_connectivity'
]
