"""Exceptions raised by healthplan: one class per libhealthplan error code.

Every failing call of the C library becomes an exception carrying the library's error record:

    try:
        ds.load("my-data.json")
    except healthplan.ParseError as e:
        print(e.file, e.line, e.column, e.message)

``str(e)`` reads ``file:line:column: message`` (the parts that apply).
"""

from . import _healthplan as _hp

__all__ = [
    "Error", "InvalidArgumentError", "OutOfMemoryError", "NotFoundError", "ParseError",
    "FileError", "ExistsError", "ValidationError", "UnitError", "RangeError", "HealthplanWarning",
]


class Error(Exception):
    """A libhealthplan error (the base class of every error the library reports).

    Attributes:
        code: the C return code (``HP_E*``, negative), e.g. ``healthplan.HP_EPARSE``
        code_name: its name, e.g. ``"HP_EPARSE"``
        message: what was expected and what was found
        file: the file (or ``"<phrase>"``, ``"<buffer>"``) the error is in, ``""`` when none
        line: 1-based line, 0 when not applicable
        column: 1-based column in code points, 0 when not applicable
        field: path of the bad field (``"targets[3].rule.value"``) or CSV column, ``""`` when none
    """

    default_code = _hp.HP_ERROR

    def __init__(self, message, code=None, file="", line=0, column=0, field=""):
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.file = file or ""
        self.line = line or 0
        self.column = column or 0
        self.field = field or ""

    @property
    def code_name(self):
        return _hp.hp_strerror(self.code)

    @property
    def location(self):
        """``file:line:column`` (the parts that apply), or ``""``."""
        if not self.file:
            return ""
        loc = self.file
        if self.line:
            loc += ":%d" % self.line
            if self.column:
                loc += ":%d" % self.column
        return loc

    def __str__(self):
        loc = self.location
        return "%s: %s" % (loc, self.message) if loc else self.message

    def __reduce__(self):
        return (_make_error, (self.code, self.message, self.file, self.line, self.column,
                              self.field))


class InvalidArgumentError(Error, ValueError):
    """HP_EINVAL: an argument is invalid (a bad option, a malformed id)."""
    default_code = _hp.HP_EINVAL


class OutOfMemoryError(Error, MemoryError):
    """HP_ENOMEM: memory could not be allocated."""
    default_code = _hp.HP_ENOMEM


class NotFoundError(Error, LookupError):
    """HP_ENOTFOUND: an id or code is not in the dataset; the message names the nearest."""
    default_code = _hp.HP_ENOTFOUND


class ParseError(Error, ValueError):
    """HP_EPARSE: text could not be read; ``file``, ``line`` and ``column`` say where."""
    default_code = _hp.HP_EPARSE


class FileError(Error, OSError):
    """HP_EIO: a file could not be opened, read or written."""
    default_code = _hp.HP_EIO


class ExistsError(Error, ValueError):
    """HP_EEXISTS: a record with the same key but other content is already there."""
    default_code = _hp.HP_EEXISTS


class ValidationError(Error, ValueError):
    """HP_EVALIDATE: well-formed input that breaks a rule of the format (type, range, reference)."""
    default_code = _hp.HP_EVALIDATE


class UnitError(Error, ValueError):
    """HP_EUNIT: a unit contradicts the indicator's unit."""
    default_code = _hp.HP_EUNIT


class RangeError(Error, ValueError):
    """HP_ERANGE: a value out of range (a year outside 1949-2100, a non-finite number)."""
    default_code = _hp.HP_ERANGE


class HealthplanWarning(UserWarning):
    """A warning reported while loading (an unknown key, an unusual unit ...).

    Same attributes as :class:`Error`.
    """

    def __init__(self, message, code=0, file="", line=0, column=0, field=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file or ""
        self.line = line or 0
        self.column = column or 0
        self.field = field or ""

    location = Error.location

    def __str__(self):
        loc = self.location
        return "%s: warning: %s" % (loc, self.message) if loc else self.message


#: The exception class of every C return code.
ERRORS = {
    _hp.HP_ERROR: Error,
    _hp.HP_EINVAL: InvalidArgumentError,
    _hp.HP_ENOMEM: OutOfMemoryError,
    _hp.HP_ENOTFOUND: NotFoundError,
    _hp.HP_EPARSE: ParseError,
    _hp.HP_EIO: FileError,
    _hp.HP_EEXISTS: ExistsError,
    _hp.HP_EVALIDATE: ValidationError,
    _hp.HP_EUNIT: UnitError,
    _hp.HP_ERANGE: RangeError,
}


def _make_error(code, message, file="", line=0, column=0, field=""):
    """The exception for a C return code and error record (called from C)."""
    cls = ERRORS.get(code, Error)
    return cls(message, code=code, file=file, line=line, column=column, field=field)


_hp.hp_py_set_error_factory(_make_error)
