"""The layer classes of ``chainrule.nn``."""

from __future__ import annotations

from .activation import (
    ELU,
    GELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from .container import ModuleDict, ModuleList, ParameterList, Sequential
from .dropout import Dropout, Flatten
from .linear import Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module

__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "ELU", "Flatten",
           "GELU", "HuberLoss", "Identity", "L1Loss", "LeakyReLU", "Linear", "LogSoftmax",
           "MSELoss", "Module", "ModuleDict", "ModuleList", "NLLLoss", "ParameterList", "ReLU",
           "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss", "Softmax", "Softplus", "Tanh"]

# ---- more activations and losses
from . import activation as _activation  # noqa: E402
from . import loss as _loss  # noqa: E402

for _module in (_activation, _loss):
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
__all__ = sorted({*__all__, *_activation.__all__, *_loss.__all__})


# ---- normalization and embedding
from .normalization import (  # noqa: E402
    BatchNorm1d,
    BatchNorm2d,
    CosineSimilarity,
    Embedding,
    GroupNorm,
    LayerNorm,
    PairwiseDistance,
    RMSNorm,
    Unflatten,
)

__all__ = sorted({*__all__, "BatchNorm1d", "BatchNorm2d", "CosineSimilarity", "Embedding",
                  "GroupNorm", "LayerNorm", "PairwiseDistance", "RMSNorm", "Unflatten"})
