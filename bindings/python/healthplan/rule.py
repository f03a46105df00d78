"""Rules: what a target asks, read from the phrase a plan prints (docs/rules.md)."""

import json

from . import _healthplan as _hp

__all__ = ["Rule", "parse_target", "RULE_KINDS"]

#: The rule kinds, by their JSON names (docs/rules.md).
RULE_KINDS = tuple(_hp.hp_rule_kind_name(k) for k in range(_hp.HP_RULE_NONE, _hp.HP_RULE_ALL + 1))

_FIELDS = ("kind", "value", "tolerance", "low", "high", "ref_year", "compound", "op", "scope",
           "indicator", "expr", "when", "text", "rules")


class Rule(dict):
    """A rule in its JSON form (docs/format.md), as a dict with attributes.

    ``rule["kind"]`` and ``rule.kind`` are the same; a field the kind does not use is absent
    from the dict and ``None`` as an attribute. ``rule.rules`` (for ``any`` / ``all``) is a
    list of Rule. ``str(rule)`` is the short description the library writes ("≤ 18",
    "−30% vs 2015"); ``rule.to_json()`` the canonical JSON text.
    """

    __slots__ = ("_description",)

    def __init__(self, data=(), **kw):
        super().__init__(data, **kw)
        self._description = None

    @classmethod
    def _from_json(cls, text, description=None):
        r = cls(json.loads(text))
        r._description = description
        return r

    @classmethod
    def from_json(cls, text):
        """Read (and check) a rule from its JSON text."""
        canon, desc = _hp.hp_py_rule_normalize(text)
        return cls._from_json(canon, desc)

    @classmethod
    def from_dict(cls, data):
        """Check a rule given as a dict (``{"kind": "le", "value": 18}``)."""
        return cls.from_json(json.dumps(dict(data)))

    def __getattr__(self, name):
        if name in _FIELDS:
            v = self.get(name)
            if name == "rules" and v is not None:
                return [x if isinstance(x, Rule) else Rule(x) for x in v]
            return v
        raise AttributeError("%r has no attribute %r" % (type(self).__name__, name))

    def to_json(self):
        """The canonical JSON text of the rule (as the library writes it)."""
        return _hp.hp_py_rule_normalize(json.dumps(self, ensure_ascii=False))[0]

    def describe(self):
        """A short phrase for people ("≤ 18", "−30% vs 2015", "−0.5 per year")."""
        if self._description is None:
            self._description = _hp.hp_py_rule_normalize(json.dumps(self, ensure_ascii=False))[1]
        return self._description

    def __str__(self):
        return self.describe()

    def __repr__(self):
        fields = " ".join("%s=%s" % (k, json.dumps(v, ensure_ascii=False))
                          for k, v in self.items() if k != "kind")
        try:
            desc = self.describe()
        except Exception:  # an invalid rule built by hand still has a repr
            desc = "?"
        return "<Rule %s%s: %s>" % (self.get("kind"), " " + fields if fields else "", desc)

    def __reduce__(self):
        return (Rule, (dict(self),))


def parse_target(phrase):
    """Read a target phrase as a plan prints it and return its :class:`Rule`.

    >>> parse_target("比2015年降低30%")
    <Rule change_from value=-0.3 ref_year=2015: −30% vs 2015>

    Raises :class:`healthplan.ParseError` when the phrase cannot be read; its ``column``
    (code points from 1) points at the first character that could not be read.
    """
    if not isinstance(phrase, str):
        raise TypeError("parse_target() needs a str, not %s" % type(phrase).__name__)
    return Rule.from_json(_hp.hp_py_rule_parse(phrase))
