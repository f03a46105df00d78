"""Progress measures on your own numbers (libhealthplan's hp_progress_compute, docs/methods.md)."""

import math
from collections import namedtuple

from . import _healthplan as _hp
from .errors import InvalidArgumentError

__all__ = ["progress", "Progress"]

Progress = namedtuple("Progress", "cls required_rate actual_rate ratio progress note")
Progress.__doc__ = """The progress of one series towards its target: class ("achieved",
"significant", "moderate", "insufficient", "away", "not_computable"), the required and actual
annual rates, their ratio, the share of the distance covered, and a note (None where a number
does not apply)."""

_THRESHOLDS = ("significant", "moderate", "unsd_on_track", "unsd_moderate",
               "trend_significant", "trend_moderate", "zero_substitute")


def progress(base_year, base, latest_year, latest, target_year, target=None,
             direction="none", method="opensdg", linear=False, met=False, **thresholds):
    """Apply the evaluation's progress formulas to a series of your own.

    >>> progress(2020, 7.82, 2022, 7.9, 2025, 8, direction="higher").ratio
    1.1184415432240356

    ``target`` None is a target with no number (the trend class is used); ``linear``: rates
    in units per year (per_year and percentage-point targets); ``met``: the latest value
    already meets the target (your rule decides). Keyword thresholds override the method's
    (significant=0.95, moderate=0.6, ...).
    """
    from .dataset import DIRECTIONS, _code
    unknown = set(thresholds) - set(_THRESHOLDS)
    if unknown:
        raise InvalidArgumentError("unknown threshold %s (expected: %s)"
                                   % (", ".join(sorted(unknown)), ", ".join(_THRESHOLDS)))
    th = [float(thresholds[k]) if k in thresholds else math.nan for k in _THRESHOLDS]
    t = _hp.hp_py_progress(_hp.hp_method_from_name(str(method)),
                           _code(DIRECTIONS, direction, "direction"), int(base_year),
                           float(base), int(latest_year), float(latest), int(target_year),
                           math.nan if target is None else float(target), 1 if linear else 0,
                           1 if met else 0, *th)
    cls, req, act, ratio, prog, note = t
    return Progress(cls, req, act, ratio, prog, note or None)
