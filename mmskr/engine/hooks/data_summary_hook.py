"""Logs what the training set holds before the first iteration."""
from mmagic.registry import HOOKS
from mmengine.hooks import Hook

from mmskr.datasets.folder_summary import summarize_images, summary_lines


@HOOKS.register_module()
class DataSummaryHook(Hook):
    """At the start of training, log the training set's image count,
    Pillow modes and channels, size range, classes (or sub-folders that
    could be classes) and warnings (fewer images than the batch, mixed
    modes or bit depths, sizes more than 2x apart), from the file headers
    (:func:`~mmskr.datasets.folder_summary.summarize_images`).

    Data sets that are not image-folder data sets (no ``folders``) are
    skipped. Every config has it (``default_hooks.data_summary``), so the
    first lines of a training log say what was found.
    """
    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        folders = getattr(dataset, 'folders', None)
        key = getattr(dataset, 'key', None)
        if folders is None or key is None:
            return
        meta = dataset.metainfo
        paths = [dataset.get_data_info(i)[f'{key}_path']
                 for i in range(len(dataset))]
        summary = summarize_images(
            paths, batch_size=runner.train_dataloader.batch_size,
            classes=meta.get('classes'),
            class_counts=meta.get('class_counts'), folders=folders,
            max_pixels=dataset.max_pixels)
        for line in summary_lines(summary, ', '.join(folders)):
            runner.logger.info(line)
