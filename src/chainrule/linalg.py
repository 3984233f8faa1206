"""``chainrule.linalg``: linear algebra as ``torch.linalg``."""

from __future__ import annotations

__all__: list[str] = []
