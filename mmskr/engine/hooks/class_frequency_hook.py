"""Gives a class-conditional GAN the class frequencies of its training set."""
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class ClassFrequencyHook(Hook):
    """At the start of training, set the model's class prior from the data.

    Reads ``runner.train_dataloader.dataset.metainfo['class_counts']`` (set
    by ``MedicalImageDataset`` when it has ``classes``) and calls
    ``model.set_class_counts(counts)`` (:class:`~mmskr.models.ACGAN`), so
    that labels of generated images, in training and in unconditional
    sampling, follow the training set's class frequencies. The model keeps
    them in a buffer, so checkpoints carry them to sampling and testing.

    A data set without classes counts as one class: the model must then have
    ``num_classes == 1``. A mismatch between the data set's classes and the
    model's ``num_classes`` stops training with an error here, before the
    first iteration.

    Raises:
        TypeError: The model has no ``set_class_counts``.
        ValueError: The data set's class count differs from the model's.
    """
    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'set_class_counts'):
            raise TypeError(f'{type(self).__name__} needs a model with '
                            f'set_class_counts (e.g. ACGAN), got '
                            f'{type(model).__name__}')
        dataset = runner.train_dataloader.dataset
        meta = dataset.metainfo
        counts = meta.get('class_counts')
        classes = meta.get('classes')
        if counts is None:
            counts, classes = (len(dataset), ), ('<all images>', )
        if len(counts) != model.num_classes:
            raise ValueError(
                f'the training set {type(dataset).__name__} has '
                f'{len(counts)} classes {tuple(classes)}, but the model has '
                f'num_classes={model.num_classes}: set model.num_classes='
                f'{len(counts)} in the config')
        model.set_class_counts(counts)
        freq = ', '.join(
            f'{name}: {n} ({p:.3f})'
            for name, n, p in zip(classes, counts, model.class_freq.tolist()))
        runner.logger.info(f'class prior of generated images: {freq}')
