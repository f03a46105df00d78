"""Expressions: the small language of ``expr`` rules (docs/expressions.md)."""

from . import _healthplan as _hp

__all__ = ["Expr"]


class Expr:
    """A compiled expression, such as ``"amb >= pop / 30000"``.

    >>> e = Expr("amb >= pop / 30000")
    >>> e.variables
    ('amb', 'pop')
    >>> e(amb=20, pop=489267)
    1.0

    Raises :class:`healthplan.ParseError` (with the column) for a malformed expression.
    """

    def __init__(self, text):
        self._p = None
        self._p = _hp.hp_expr_compile(text)
        self.text = text

    def __del__(self, _free=_hp.hp_expr_free):
        p = getattr(self, "_p", None)
        if p is not None:
            self._p = None
            _free(p)

    @property
    def variables(self):
        """The names the expression uses, in order of first appearance."""
        return tuple(_hp.hp_expr_variable(self._p, i)
                     for i in range(_hp.hp_expr_variable_count(self._p)))

    @property
    def is_condition(self):
        """True when the expression is a condition (a comparison, and/or/not, true/false)."""
        return bool(_hp.hp_expr_is_boolean(self._p))

    def evaluate(self, variables=None, **kw):
        """The value with the variables from a mapping and/or keywords (1.0 / 0.0 for a
        condition). A missing variable raises NotFoundError."""
        values = dict(variables or {})
        values.update(kw)
        return _hp.hp_py_expr_eval(self._p, values)

    __call__ = evaluate

    def __str__(self):
        """The canonical text."""
        return _hp.hp_expr_to_string(self._p)

    def __repr__(self):
        return "<Expr %s>" % str(self)
