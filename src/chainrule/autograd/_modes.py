"""One flag for the operators' straight path (``registry.operator``): set while any mode that
every op must honour is on (inference mode, forward AD or vmap, anomaly detection,
saved-tensor hooks), so that an operator tests one flag instead of four. Each mode calls
``refresh`` when it turns on or off."""

from __future__ import annotations

SPECIAL = [0]


def refresh() -> None:
    from .anomaly_mode import STATE
    from .forward_ad import ACTIVE
    from .grad_mode import INFERENCE_ACTIVE
    from .graph import SAVED_HOOKS_ACTIVE

    SPECIAL[0] = int(bool(INFERENCE_ACTIVE[0] or ACTIVE[0] or STATE[0] or SAVED_HOOKS_ACTIVE[0]))
