"""``chainrule.utils.data``: datasets, samplers and the DataLoader, as ``torch.utils.data``.

>>> import chainrule
>>> from chainrule.utils.data import DataLoader, TensorDataset
>>> x = chainrule.arange(6.0).reshape(3, 2)
>>> [xb.shape for (xb,) in DataLoader(TensorDataset(x), batch_size=2)]
[torch.Size([2, 2]), torch.Size([1, 2])]
"""

from __future__ import annotations

from ._collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler",
    "TensorDataset", "default_collate", "default_convert", "random_split",
]
