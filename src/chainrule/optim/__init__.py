"""Optimizers (``torch.optim``): ``SGD``, ``Adam``, ``AdamW`` over parameter groups."""

from __future__ import annotations

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]
