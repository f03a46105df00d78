"""Audit: findings about a plan's own numbers (libhealthplan's hp_audit)."""

from collections import namedtuple

from . import _healthplan as _hp

__all__ = ["Audit", "Finding", "AUDIT_COLUMNS"]

#: The columns of ``healthplan audit --format csv`` (``Finding`` adds ``target`` and ``other``).
AUDIT_COLUMNS = ("severity", "kind", "region", "indicator", "year", "reported", "computed",
                 "message", "where")


class Finding(namedtuple("Finding", AUDIT_COLUMNS + ("target", "other"))):
    """One finding (a named tuple).

    Attributes:
        severity: "error", "warning" or "info"
        kind: "ratio", "unit", "conflict" or "implausible"
        region, indicator, year: what it is about (None when not applicable)
        reported, computed: the figure as reported and as computed / as the other source
            gives it (None when not applicable)
        message: what was found, with the numbers
        where: the sources of the figures involved
        target, other: the targets concerned, as "plan/id" (None when none)
    """

    __slots__ = ()

    def __repr__(self):
        return "<Finding %s %s: %s>" % (self.severity, self.kind, self.message)


class Audit:
    """The findings of :meth:`healthplan.Dataset.audit`: errors first, then warnings, then
    information. A sequence of :class:`Finding`."""

    def __init__(self, ds, p):
        try:
            self.findings = [Finding._make(t) for t in _hp.hp_py_audit_findings(p)]
            with ds._read():
                self._csv = _hp.hp_audit_write(p, _hp.HP_RESULTS_CSV)
                self._json = _hp.hp_audit_write(p, _hp.HP_RESULTS_JSON)
        finally:
            _hp.hp_audit_free(p)  # everything is copied out: the report is freed at once

    def __len__(self):
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    def __getitem__(self, i):
        return self.findings[i]

    def by_severity(self, severity):
        """The findings of one severity ("error", "warning", "info")."""
        return [f for f in self.findings if f.severity == severity]

    def to_records(self):
        """A list of dicts with the CSV columns (:data:`AUDIT_COLUMNS`)."""
        return [{k: getattr(f, k) for k in AUDIT_COLUMNS} for f in self.findings]

    def to_pandas(self):
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: apt-get install python3-pandas") from None
        df = pd.DataFrame(self.findings, columns=list(Finding._fields))
        df["year"] = df["year"].astype("Int32")
        for c in ("reported", "computed"):
            df[c] = df[c].astype("float64")
        return df

    def to_csv(self):
        """CSV text, as ``healthplan audit --format csv`` writes it."""
        return self._csv

    def to_json(self):
        """JSON text, as ``healthplan audit --format json`` writes it."""
        return self._json

    def __repr__(self):
        from collections import Counter
        c = Counter(f.severity for f in self.findings)
        return "<Audit %d findings%s>" % (len(self), (": " + ", ".join(
            "%d %s" % (c[s], s) for s in ("error", "warning", "info") if c[s])) if c else "")
