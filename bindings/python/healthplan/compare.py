"""Comparison: indicators × regions side by side (libhealthplan's hp_compare)."""

from collections import namedtuple

from . import _healthplan as _hp

__all__ = ["Comparison", "Cell", "COMPARE_COLUMNS"]

#: The columns of ``healthplan compare --format csv`` and of ``Comparison.to_records()``.
COMPARE_COLUMNS = ("indicator", "region", "year", "value", "rank", "plan", "target",
                   "target_year", "target_value", "status", "gap")


class Cell(namedtuple("Cell", COMPARE_COLUMNS)):
    """One indicator in one region (a named tuple).

    Attributes:
        indicator, region: the indicator id and region code
        year, value: the latest value at or before the comparison's year (None when none)
        rank: 1 = best among the regions with a value (ties share a rank); None when there is
            no value or the indicator has no direction
        plan, target, target_year: the region's own target for the indicator (the first due
            at or after the year, else the latest due); None when it has none
        target_value, status, gap: that target as a number, its status and the distance to it
    """

    __slots__ = ()

    def __repr__(self):
        bits = ["%s %s" % (self.indicator, self.region)]
        if self.value is not None:
            bits.append("%g (%d)%s" % (self.value, self.year,
                                       " #%d" % self.rank if self.rank else ""))
        if self.target is not None:
            bits.append("target %s/%s %s%s: %s" % (
                self.plan, self.target, "%g " % self.target_value
                if self.target_value is not None else "", self.target_year, self.status))
        return "<Cell %s>" % ", ".join(bits)


class Comparison:
    """Regions (columns) × indicators (rows): each region's latest value, its rank, its own
    target and that target's status. Made by :meth:`healthplan.Dataset.compare`.

    ``cmp.cells`` lists every cell (row by row); ``cmp[indicator, region]`` gives one;
    ``cmp.rows()`` yields ``(indicator id, [cells by region])``; ``to_records()``,
    ``to_pandas()``, ``to_csv()`` and ``to_json()`` export it.
    """

    def __init__(self, ds, p):
        self._p = None
        self._ds = ds
        self._p = p
        self.cells = [Cell._make(t) for t in _hp.hp_py_comparison_cells(p)]
        self.region_codes = [_hp.hp_region_code(_hp.hp_comparison_region(p, j))
                             for j in range(_hp.hp_comparison_region_count(p))]
        self.indicator_ids = [_hp.hp_indicator_id(_hp.hp_comparison_indicator(p, i))
                              for i in range(_hp.hp_comparison_indicator_count(p))]
        self._index = {(c.indicator, c.region): c for c in self.cells}

    def close(self):
        p, self._p = self._p, None
        if p is not None:
            _hp.hp_comparison_free(p)

    def __del__(self, _free=getattr(_hp, "hp_comparison_free", None)):
        p = getattr(self, "_p", None)
        if p is not None:
            self._p = None
            _free(p)

    def _handle(self):
        if self._p is None:
            raise ValueError("the comparison is closed")
        self._ds._handle()
        return self._p

    @property
    def regions(self):
        """The regions (columns), as :class:`~healthplan.Region`."""
        return [self._ds.region(c) for c in self.region_codes]

    @property
    def indicators(self):
        """The indicators (rows), as :class:`~healthplan.Indicator`."""
        return [self._ds.indicator(i) for i in self.indicator_ids]

    def __getitem__(self, key):
        indicator, region = key
        return self._index[(str(indicator), str(region))]

    def __len__(self):
        return len(self.cells)

    def __iter__(self):
        return iter(self.cells)

    def rows(self):
        """``(indicator id, [cell for each region])`` for each indicator."""
        n = len(self.region_codes)
        for i, ind in enumerate(self.indicator_ids):
            yield ind, self.cells[i * n:(i + 1) * n]

    def to_records(self):
        """A list of dicts with the CSV columns (:data:`COMPARE_COLUMNS`)."""
        return [c._asdict() for c in self.cells]

    def to_pandas(self):
        """The cells as a pandas DataFrame with the CSV columns (one row per cell)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: apt-get install python3-pandas") from None
        df = pd.DataFrame(self.cells, columns=list(COMPARE_COLUMNS))
        for c in ("year", "rank", "target_year"):
            df[c] = df[c].astype("Int32")
        for c in ("value", "target_value", "gap"):
            df[c] = df[c].astype("float64")
        return df

    def to_csv(self):
        """CSV text, as ``healthplan compare --format csv`` writes it."""
        with self._ds._read():
            return _hp.hp_comparison_write(self._handle(), _hp.HP_RESULTS_CSV)

    def to_json(self):
        """JSON text, as ``healthplan compare --format json`` writes it."""
        with self._ds._read():
            return _hp.hp_comparison_write(self._handle(), _hp.HP_RESULTS_JSON)

    def __repr__(self):
        return "<Comparison %d indicators × %d regions (%s)>" % (
            len(self.indicator_ids), len(self.region_codes), ", ".join(self.region_codes))
