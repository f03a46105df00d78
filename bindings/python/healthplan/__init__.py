"""healthplan: regional health plans as data, evaluated (Python bindings of libhealthplan).

    >>> import healthplan
    >>> ds = healthplan.Dataset.builtin()
    >>> ds.target("yiyang-13fyp", "3")
    <Target yiyang-13fyp/3 infant_mortality 430900 2020 ≤6.5>
    >>> res = ds.evaluate(plan="yiyang-13fyp")
    >>> print(res.summary())
    >>> df = res.to_pandas()

The C library does the work (SWIG module ``healthplan._healthplan``); this package adds
objects with attributes, exceptions, numpy arrays in and out and pandas frames.
See docs/python.md.
"""

from . import _healthplan
from .errors import (Error, ExistsError, FileError, HealthplanWarning, InvalidArgumentError,
                     NotFoundError, OutOfMemoryError, ParseError, RangeError, UnitError,
                     ValidationError, ERRORS)
from .rule import RULE_KINDS, Rule, parse_target
from .dataset import (DIRECTIONS, LEVELS, NATURES, OBS_STATUSES, VERDICTS, Dataset, Indicator,
                      Observation, Plan, Region, Target, builtin_files, load)
from .results import CLASSES, COLUMNS, METHODS, STATUSES, Result, Results, Summary
from .expr import Expr
from .progress import Progress, progress
from .compare import COMPARE_COLUMNS, Cell, Comparison
from .audit import AUDIT_COLUMNS, Audit, Finding

#: The library's version ("MAJOR.MINOR.PATCH").
__version__ = _healthplan.hp_version()

# the return codes, for comparing with Error.code
HP_OK = _healthplan.HP_OK
HP_ERROR = _healthplan.HP_ERROR
HP_EINVAL = _healthplan.HP_EINVAL
HP_ENOMEM = _healthplan.HP_ENOMEM
HP_ENOTFOUND = _healthplan.HP_ENOTFOUND
HP_EPARSE = _healthplan.HP_EPARSE
HP_EIO = _healthplan.HP_EIO
HP_EEXISTS = _healthplan.HP_EEXISTS
HP_EVALIDATE = _healthplan.HP_EVALIDATE
HP_EUNIT = _healthplan.HP_EUNIT
HP_ERANGE = _healthplan.HP_ERANGE

__all__ = [
    "Dataset", "Region", "Indicator", "Plan", "Target", "Observation", "Results", "Result",
    "Summary", "Comparison", "Cell", "Audit", "Finding", "Rule", "Expr", "Progress", "progress", "load", "parse_target", "builtin_files",
    "Error", "InvalidArgumentError", "OutOfMemoryError", "NotFoundError", "ParseError",
    "FileError", "ExistsError", "ValidationError", "UnitError", "RangeError",
    "HealthplanWarning", "ERRORS",
    "STATUSES", "CLASSES", "METHODS", "COLUMNS", "LEVELS", "DIRECTIONS", "NATURES",
    "OBS_STATUSES", "VERDICTS", "RULE_KINDS", "COMPARE_COLUMNS", "AUDIT_COLUMNS", "__version__",
]
