"""Evaluation results (libhealthplan's hp_results): one :class:`Result` per target."""

from collections import Counter, namedtuple

from . import _healthplan as _hp

__all__ = ["Results", "Result", "Summary", "STATUSES", "CLASSES", "METHODS", "COLUMNS"]

#: Statuses, by code (hp_status): the int8 codes of ``Results.arrays()["status"]``.
STATUSES = tuple(_hp.hp_status_name(i) for i in range(_hp.HP_STATUS_COUNT))
#: Progress classes, by code (hp_progress_class); "" for code 0 (none).
CLASSES = tuple(_hp.hp_progress_class_name(i)
                for i in range(_hp.HP_CLASS_NOT_COMPUTABLE + 1))
#: Progress methods, by code (hp_method).
METHODS = tuple(_hp.hp_method_name(i) for i in range(_hp.HP_METHOD_UNSD + 1))
#: The columns of ``healthplan evaluate --format csv`` and of ``Results.to_records()``.
COLUMNS = ("plan", "target", "region", "indicator", "year", "rule", "nature", "as_printed",
           "baseline_year", "baseline_value", "target_value", "latest_year", "latest_value",
           "status", "gap", "progress", "required_rate", "actual_rate", "ratio", "class",
           "reason")

_FIELDS = ("plan target region indicator year status cls baseline_year baseline target_value "
           "latest_year latest gap progress required_rate actual_rate ratio met reason nature "
           "as_printed")


def _num(x):
    return "%.6g" % x if x is not None else "—"


class Result(namedtuple("Result", _FIELDS)):
    """The evaluation of one target (a named tuple; ``r._asdict()`` gives a dict).

    Attributes:
        plan, target, region, indicator: the target's plan id, id, region code, indicator id
        year: the year the target is due
        status: "achieved", "not_achieved", "on_track", "off_track", "no_data" or
            "not_assessable"
        cls: the progress class ("achieved", "significant", "moderate", "insufficient",
            "away", "not_computable"), None when not computed
        baseline_year, baseline: the baseline observation (None when none)
        target_value: the target as a number (None when the rule gives none)
        latest_year, latest: the observation the target is judged on
        gap, progress, required_rate, actual_rate, ratio: see docs/methods.md (None when
            they do not apply)
        met: True when the judged value meets the target
        reason: one line naming the values, years and thresholds used
        nature, as_printed: the target's nature and the plan's own words
    """

    __slots__ = ()

    def __repr__(self):
        bits = ["%s/%s %s %s %d %s" % (self.plan, self.target, self.indicator, self.region,
                                        self.year, self.status)]
        if self.latest_year:
            bits.append("latest %s (%d)" % (_num(self.latest) if self.latest is not None
                                            else "met" if self.met else "not met",
                                            self.latest_year))
        if self.target_value is not None:
            bits.append("target %s" % _num(self.target_value))
        elif self.as_printed:
            bits.append("target %s" % self.as_printed)
        return "<Result %s>" % ", ".join(bits)


class Summary(dict):
    """Counts of results by status: ``{group: {status: count, ..., "total": n}}``.

    A dict (``summary["yiyang-13fyp"]["achieved"]``); ``str(summary)`` is a table with one
    row per group and one column per status.
    """

    def __init__(self, data, by):
        super().__init__(data)
        self.by = by

    def table(self):
        """The counts as a text table."""
        head = [self.by, "targets"] + list(STATUSES)
        rows = [[g, str(c["total"])] + [str(c[s]) for s in STATUSES] for g, c in self.items()]
        if len(self) > 1:
            tot = {s: sum(c[s] for c in self.values()) for s in STATUSES + ("total",)}
            rows.append(["all", str(tot["total"])] + [str(tot[s]) for s in STATUSES])
        widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
        lines = []
        for k, r in enumerate([head] + rows):
            cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
            lines.append("  ".join(cells).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def to_dict(self):
        """A plain dict copy."""
        return {g: dict(c) for g, c in self.items()}


class Results:
    """The results of one evaluation: a sequence of :class:`Result`, one per target.

    Holds its dataset (the C results borrow from it) and frees the C results exactly once
    (``close()``, ``with`` or garbage collection).
    """

    _CHUNK = 4096

    def __init__(self, ds, p, generation):
        self._p = None
        self._ds = ds
        self._generation = generation
        self._p = p
        self._n = _hp.hp_results_count(p)

    # ---- life cycle

    def close(self):
        """Free the C results now."""
        p, self._p = self._p, None
        if p is not None:
            _hp.hp_results_free(p)

    def __del__(self, _free=_hp.hp_results_free):
        p = getattr(self, "_p", None)
        if p is not None:
            self._p = None
            _free(p)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._p is None:
            raise ValueError("the results are closed")
        self._ds._handle()  # the dataset must still be open
        return self._p

    def _reading(self):
        """The dataset's read lock, for what re-reads the dataset (the reasons)."""
        if self._ds._generation != self._generation:
            raise RuntimeError("the dataset changed after this evaluation: its reasons would "
                               "describe other data; evaluate again")
        return self._ds._read()

    @property
    def dataset(self):
        return self._ds

    # ---- sequence

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step == 1:
                return self._rows(start, stop)
            return [self[k] for k in range(start, stop, step)]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("result index out of range")
        with self._reading():
            return Result._make(_hp.hp_py_result(self._handle(), i))

    def _rows(self, start, stop):
        with self._reading():
            return [Result._make(t) for t in _hp.hp_py_results_rows(self._handle(), start, stop)]

    def __iter__(self):
        for start in range(0, self._n, self._CHUNK):
            yield from self._rows(start, min(start + self._CHUNK, self._n))

    def get(self, plan, target):
        """The result of target ``target`` of ``plan`` (ids), or None."""
        plan, target = str(plan), str(target)
        keys = _hp.hp_py_results_keys(self._handle())
        for i, (p, t) in enumerate(zip(keys[0], keys[1])):
            if p == plan and t == target:
                return self[i]
        return None

    def __repr__(self):
        if self._p is None:
            return "<Results (closed)>"
        c = self.counts()
        return "<Results %d targets%s>" % (self._n, ": " + ", ".join(
            "%d %s" % (v, k) for k, v in c.items() if v) if self._n else "")

    # ---- summaries

    def counts(self, plan=None, nature=None, category=None):
        """Counts by status (a dict status -> count, every status present) of the results of
        ``plan`` (id), ``nature`` ("binding" ...) and indicator ``category`` (None for all)."""
        from .dataset import NATURES, _code, _key
        nat = -1 if nature is None else _code(NATURES, nature, "nature")
        t = _hp.hp_py_count_status(self._handle(), _key(plan), nat, category)
        return dict(zip(STATUSES, t))

    def summary(self, by="plan"):
        """Counts by status per plan (or per ``by``: "region", "indicator", "nature",
        "year"): a :class:`Summary`, a dict whose ``str()`` is a table."""
        h = self._handle()
        if by == "plan":
            plans = dict.fromkeys(_hp.hp_py_results_keys(h)[0])
            data = {}
            for p in plans:
                c = dict(zip(STATUSES, _hp.hp_py_count_status(h, p, -1, None)))
                c["total"] = sum(c.values())
                data[p] = c
            return Summary(data, by)
        if by in ("region", "indicator"):
            keys = _hp.hp_py_results_keys(h)[2 if by == "region" else 3]
        elif by in ("nature", "year"):
            keys = [getattr(r, by) for r in self]
        else:
            raise ValueError("summary(by=...) takes plan, region, indicator, nature or year")
        status = self._status_names()
        counts = Counter(zip(keys, status))
        data = {}
        for k in dict.fromkeys(keys):
            c = {s: counts.get((k, s), 0) for s in STATUSES}
            c["total"] = sum(c.values())
            data[k] = c
        return Summary(data, by)

    def _status_names(self):
        try:
            import numpy as np
        except ImportError:
            return [r.status for r in self]
        st = np.empty(self._n, np.int8)
        _hp.hp_py_results_fill(self._handle(), {"status": st})
        return np.asarray(STATUSES, dtype=object)[st].tolist()

    # ---- export

    def to_csv(self):
        """The results as CSV text, exactly as ``healthplan evaluate --format csv`` writes it."""
        with self._reading():
            return _hp.hp_results_write(self._handle(), _hp.HP_RESULTS_CSV)

    def to_json(self):
        """The results as JSON text, as ``healthplan evaluate --format json`` writes it."""
        with self._reading():
            return _hp.hp_results_write(self._handle(), _hp.HP_RESULTS_JSON)

    def _columns(self):
        with self._reading():
            return _hp.hp_py_results_columns(self._handle())

    def to_records(self):
        """A list of dicts with the CSV columns (:data:`COLUMNS`), typed: numbers as float,
        years as int, empty cells as None; numbers at full precision (the CSV rounds them
        to 12 significant digits)."""
        cols = self._columns()
        return [dict(zip(COLUMNS, row)) for row in zip(*(cols[c] for c in COLUMNS))]

    def arrays(self, keys=True):
        """The numbers as numpy arrays, filled in one C loop (no Python loop per result).

        Returns a dict of arrays, each of length ``len(results)``:

        - ``status``, ``cls`` (int8 codes: :data:`STATUSES`, :data:`CLASSES`), ``met`` (bool)
        - ``year``, ``baseline_year``, ``latest_year`` (int32; 0 where there is none)
        - ``baseline``, ``target_value``, ``latest``, ``gap``, ``progress``,
          ``required_rate``, ``actual_rate``, ``ratio`` (float64; NaN where there is none)
        - ``region_index``, ``indicator_index`` (int64 positions in the dataset)
        - with ``keys=True``: ``plan``, ``target``, ``region``, ``indicator`` (object arrays
          of str)
        """
        try:
            import numpy as np
        except ImportError:
            raise ImportError("arrays() needs numpy: apt-get install python3-numpy") from None
        n = self._n
        out = {"status": np.empty(n, np.int8), "cls": np.empty(n, np.int8),
               "met": np.empty(n, np.bool_)}
        for k in ("year", "baseline_year", "latest_year"):
            out[k] = np.empty(n, np.int32)
        for k in ("baseline", "target_value", "latest", "gap", "progress", "required_rate",
                  "actual_rate", "ratio"):
            out[k] = np.empty(n, np.float64)
        for k in ("region_index", "indicator_index"):
            out[k] = np.empty(n, np.int64)
        h = self._handle()
        _hp.hp_py_results_fill(h, out)
        if keys:
            for name, col in zip(("plan", "target", "region", "indicator"),
                                 _hp.hp_py_results_keys(h)):
                a = np.empty(n, dtype=object)
                a[:] = col
                out[name] = a
        return out

    def to_pandas(self):
        """The results as a pandas DataFrame with the CSV columns (:data:`COLUMNS`): numbers
        as float64 (NaN where empty), years as Int32 (nullable), text as str."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: apt-get install python3-pandas") from None
        cols = self._columns()
        arr = self.arrays(keys=False)
        numeric = {"baseline_value": "baseline", "target_value": "target_value",
                   "latest_value": "latest", "gap": "gap", "progress": "progress",
                   "required_rate": "required_rate", "actual_rate": "actual_rate",
                   "ratio": "ratio"}
        data = {}
        for c in COLUMNS:
            if c in numeric:
                data[c] = arr[numeric[c]]
            elif c == "year":
                data[c] = arr["year"]
            elif c in ("baseline_year", "latest_year"):
                y = arr[c]
                data[c] = pd.arrays.IntegerArray(y, y == 0)
            else:
                data[c] = pd.Series(cols[c], dtype=object)
        return pd.DataFrame(data, columns=list(COLUMNS))
