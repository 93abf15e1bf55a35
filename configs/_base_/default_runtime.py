# Runtime shared by every mmskr config (mmagic's gen_default_runtime, made
# CPU-friendly: no cudnn benchmark, the dist backend chosen at launch).
default_scope = 'mmagic'
custom_imports = dict(imports=['mmskr'], allow_failed_imports=False)

randomness = dict(seed=2019, diff_rank_seed=True)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        interval=500,
        by_epoch=False,
        max_keep_ckpts=3,
        save_optimizer=True,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # the first log lines: images, modes, channels, sizes, classes, warnings
    data_summary=dict(type='DataSummaryHook'),
    # the random generators' states in every checkpoint, back on --resume:
    # an interrupted run repeats an uninterrupted one (RandomStateHook)
    random_state=dict(type='RandomStateHook'),
    # --resume stops when the checkpoint lacks weights of the model
    resume_check=dict(type='ResumeCheckHook'))

log_processor = dict(type='LogProcessor', by_epoch=False, window_size=50)
log_level = 'INFO'
load_from = None
resume = False

vis_backends = [dict(type='VisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)

# Distributed: each network (generator, discriminator; for SkrGAN the four
# networks of its two sub-models) in its own DDP, as mmagic's GAN configs do
# with MMSeparateDistributedDataParallel (see mmskr/engine/model_wrappers).
# Progressive GANs leave the layers of other resolutions unused.
model_wrapper_cfg = dict(
    type='NestedSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=True)
