"""Optimizers (``torch.optim``): ``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad`` over
parameter groups."""

from __future__ import annotations

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import Adagrad, RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
