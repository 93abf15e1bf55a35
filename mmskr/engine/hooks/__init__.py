from .channels_last_hook import ChannelsLastHook
from .class_frequency_hook import ClassFrequencyHook
from .data_summary_hook import DataSummaryHook
from .dist_consistency_hook import DistConsistencyHook
from .random_state_hook import RandomStateHook
from .renderer_calibration_hook import RendererCalibrationHook
from .resume_check_hook import IncompleteCheckpointError, ResumeCheckHook
from .sample_diversity_hook import SampleDiversityHook, sample_diversity
from .skrgan_sample_hook import SkrGANSampleHook

__all__ = [
    'SkrGANSampleHook', 'ClassFrequencyHook', 'DistConsistencyHook',
    'SampleDiversityHook', 'sample_diversity', 'RendererCalibrationHook',
    'ChannelsLastHook', 'DataSummaryHook', 'RandomStateHook',
    'ResumeCheckHook', 'IncompleteCheckpointError'
]
