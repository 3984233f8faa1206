"""One flag for the operators' straight path (``registry.operator``): set while any mode that
every op must honour is on (inference mode, forward AD or vmap, anomaly detection,
saved-tensor hooks), so that an operator tests one flag instead of four. Each mode calls
``refresh`` when it turns on or off."""

from __future__ import annotations

SPECIAL = [0]
_FLAGS: list = []  # the modes' own flags, found on first use (their modules import this one)


def refresh() -> None:
    if not _FLAGS:
        from .anomaly_mode import STATE
        from .forward_ad import ACTIVE
        from .grad_mode import INFERENCE_ACTIVE
        from .graph import SAVED_HOOKS_ACTIVE

        _FLAGS.extend((INFERENCE_ACTIVE, ACTIVE, STATE, SAVED_HOOKS_ACTIVE))
    inference, forward, anomaly, saved_hooks = _FLAGS
    SPECIAL[0] = int(bool(inference[0] or forward[0] or anomaly[0] or saved_hooks[0]))
