"""Datasets: regions, indicators, plans, targets and observations (libhealthplan's hp_dataset).

A :class:`Dataset` owns its C handle and frees it exactly once (``close()``, ``with``, or when
the object is garbage-collected). Records handed out (:class:`Region`, :class:`Indicator`,
:class:`Plan`, :class:`Target`) and :class:`~healthplan.Results` hold a reference to the
dataset, so it stays alive while they do; after an explicit ``close()`` they raise
``ValueError`` instead of touching freed memory.

Evaluation, loading and saving release the GIL: several threads may evaluate one dataset at
once. Changes (loading, adding) wait for running evaluations and block new ones until done.
"""

import json
import math
import operator
import threading
import warnings
from collections import namedtuple
from collections.abc import Sequence
from contextlib import contextmanager

from . import _healthplan as _hp
from .errors import HealthplanWarning, InvalidArgumentError, NotFoundError
from .rule import Rule

__all__ = ["Dataset", "Region", "Indicator", "Plan", "Target", "Observation", "load",
           "builtin_files", "LEVELS", "DIRECTIONS", "NATURES", "OBS_STATUSES", "VERDICTS"]

#: Region levels, by code (hp_level).
LEVELS = tuple(_hp.hp_level_name(i) for i in range(_hp.HP_LEVEL_COUNTY + 1))
#: Indicator directions, by code (hp_direction).
DIRECTIONS = tuple(_hp.hp_direction_name(i) for i in range(_hp.HP_DIRECTION_LOWER + 1))
#: Target natures, by code (hp_nature).
NATURES = tuple(_hp.hp_nature_name(i) for i in range(_hp.HP_NATURE_EXPECTED + 1))
#: Observation statuses, by code (hp_obs_status).
OBS_STATUSES = tuple(_hp.hp_obs_status_name(i) for i in range(_hp.HP_OBS_DERIVED + 1))
#: Verdicts of qualitative observations, by code (hp_verdict); "" for a number.
VERDICTS = tuple(_hp.hp_verdict_name(i) for i in range(_hp.HP_VERDICT_NOT_MET + 1))

_SDMX_STATUS = {"A": "final", "P": "provisional", "E": "estimated", "M": "missing"}


def _code(table, value, what):
    """The enum code of a name (or code) in table."""
    if value is None:
        return 0
    if isinstance(value, int) and 0 <= value < len(table):
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v in table:
            return table.index(v)
    raise InvalidArgumentError("unknown %s %r (expected one of: %s)"
                               % (what, value, ", ".join(t for t in table if t)))


def _key(x):
    """An id or code from a str, an int (430900) or a record."""
    if x is None:
        return None
    if isinstance(x, _Record):
        return x._key()
    if isinstance(x, int):
        return str(x)
    if not isinstance(x, str):
        raise TypeError("expected an id or code (str), got %s" % type(x).__name__)
    return x


class _RWLock:
    """Many readers (evaluations, look-ups) or one writer (loads, additions)."""

    def __init__(self):
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = None

    @contextmanager
    def read(self):
        me = threading.get_ident()
        with self._cond:
            if self._writer != me:  # a writer may read what it is writing
                while self._writer is not None:
                    self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self):
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                raise RuntimeError("a dataset change cannot start inside another one")
            while self._writer is not None or self._readers:
                self._cond.wait()
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


# ---------------------------------------------------------------------------- records

class _Record:
    """A record borrowed from a dataset: holds the dataset (keeping it alive) and the C pointer."""

    __slots__ = ("_ds", "_p")

    def __init__(self, ds, p):
        self._ds = ds
        self._p = p

    @property
    def _h(self):
        self._ds._handle()  # raises when the dataset is closed
        return self._p

    @property
    def dataset(self):
        """The dataset the record belongs to."""
        return self._ds

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self._ds is other._ds and int(self._p) == int(other._p)

    def __hash__(self):
        return hash((type(self), id(self._ds), int(self._p)))

    def __str__(self):
        return self._key()

    def __reduce__(self):
        raise TypeError("%s records cannot be pickled: pickle the Dataset" % type(self).__name__)


class Region(_Record):
    """A region: China, a province, a prefecture-level city or a county (GB/T 2260 code)."""

    __slots__ = ()

    def _key(self):
        return self.code

    @property
    def code(self):
        """The code, e.g. ``"430900"`` (``"CN"`` for China)."""
        return _hp.hp_region_code(self._h)

    @property
    def name_zh(self):
        """The Chinese name (``"益阳市"``), ``""`` when not given."""
        return _hp.hp_region_name_zh(self._h)

    @property
    def name_en(self):
        """The English name (``"Yiyang"``), ``""`` when not given."""
        return _hp.hp_region_name_en(self._h)

    @property
    def name(self):
        """The Chinese name, else the English name, else the code."""
        return self.name_zh or self.name_en or self.code

    @property
    def level(self):
        """``"country"``, ``"province"``, ``"prefecture"``, ``"county"`` or ``"unknown"``."""
        return _hp.hp_level_name(_hp.hp_region_level(self._h))

    @property
    def parent(self):
        """The parent region, or None."""
        p = _hp.hp_region_parent(self._h)
        return Region(self._ds, p) if p is not None else None

    @property
    def index(self):
        """Position in the dataset (order of addition)."""
        return _hp.hp_region_index(self._h)

    def ancestor(self, level):
        """The nearest region at ``level`` above (or this region itself if it is at it), or None."""
        a = _hp.hp_region_ancestor(self._h, _code(LEVELS, level, "level"))
        return Region(self._ds, a) if a is not None else None

    @property
    def children(self):
        """The regions whose parent this is."""
        return [r for r in self._ds.regions if r.parent == self]

    def __repr__(self):
        names = " ".join(n for n in (self.name_zh, self.name_en) if n)
        return "<Region %s%s %s>" % (self.code, " " + names if names else "", self.level)


class Indicator(_Record):
    """An indicator: what is measured (infant mortality, beds per 1000 people ...)."""

    __slots__ = ()

    def _key(self):
        return self.id

    @property
    def id(self):
        """The id, e.g. ``"infant_mortality"``."""
        return _hp.hp_indicator_id(self._h)

    @property
    def name_zh(self):
        """The Chinese name, ``""`` when not given."""
        return _hp.hp_indicator_name_zh(self._h)

    @property
    def name_en(self):
        """The English name, ``""`` when not given."""
        return _hp.hp_indicator_name_en(self._h)

    @property
    def name(self):
        """The Chinese name, else the English name, else the id."""
        return self.name_zh or self.name_en or self.id

    @property
    def unit(self):
        """The unit slug (``"permille"``, ``"per_1000"``, ``"percent"`` ...), ``""`` when not given."""
        return _hp.hp_indicator_unit(self._h)

    @property
    def category(self):
        """The category (健康水平 ...), ``""`` when not given."""
        return _hp.hp_indicator_category(self._h)

    @property
    def description(self):
        return _hp.hp_indicator_description(self._h)

    @property
    def direction(self):
        """Which way is better: ``"higher"``, ``"lower"`` or ``"none"``."""
        return _hp.hp_direction_name(_hp.hp_indicator_direction(self._h))

    @property
    def aliases(self):
        """Other names as plans print them (a tuple)."""
        h = self._h
        return tuple(_hp.hp_indicator_alias(h, i) for i in range(_hp.hp_indicator_alias_count(h)))

    @property
    def ratio(self):
        """``(numerator id, denominator id, scale)`` for a ratio indicator, else None."""
        return _hp.hp_py_indicator_ratio(self._h)

    @property
    def additive(self):
        """True when county values add up to the city's (counts)."""
        return bool(_hp.hp_indicator_additive(self._h))

    @property
    def index(self):
        """Position in the dataset (order of addition)."""
        return _hp.hp_indicator_index(self._h)

    def __repr__(self):
        bits = [self.id]
        if self.name_zh:
            bits.append(self.name_zh)
        if self.unit:
            bits.append(self.unit)
        bits.append(self.direction)
        return "<Indicator %s>" % " ".join(bits)


class Plan(_Record):
    """A plan: a region's published plan (a five-year plan, a Healthy China opinion)."""

    __slots__ = ()

    def _key(self):
        return self.id

    @property
    def id(self):
        """The id, e.g. ``"yiyang-14fyp"``."""
        return _hp.hp_plan_id(self._h)

    @property
    def title(self):
        return _hp.hp_plan_title(self._h)

    @property
    def region(self):
        """The plan's :class:`Region`."""
        return Region(self._ds, _hp.hp_plan_region(self._h))

    @property
    def start(self):
        """First year covered, None when not stated."""
        return _hp.hp_plan_start(self._h) or None

    @property
    def end(self):
        """Last year covered, None when not stated."""
        return _hp.hp_plan_end(self._h) or None

    @property
    def baseline_year(self):
        """The year progress is measured from, None when not stated."""
        return _hp.hp_plan_baseline_year(self._h) or None

    @property
    def source(self):
        return _hp.hp_plan_source(self._h)

    @property
    def target_count(self):
        return _hp.hp_plan_target_count(self._h)

    @property
    def targets(self):
        """The plan's targets (a list of :class:`Target`)."""
        return self._ds.targets(plan=self)

    def evaluate(self, **options):
        """Evaluate this plan's targets: ``ds.evaluate(plan=self.id, **options)``."""
        return self._ds.evaluate(plan=self, **options)

    def __repr__(self):
        years = ""
        if self.start or self.end:
            years = " %s–%s" % (self.start or "", self.end or "")
        return "<Plan %s %s%s, %d targets>" % (self.id, self.region.code, years,
                                              self.target_count)


class Target(_Record):
    """A plan's target: what it asks of one indicator in one region and year."""

    __slots__ = ()

    def _key(self):
        return "%s/%s" % (self.plan.id, self.id)

    @property
    def id(self):
        """The id within the plan (``"3"``, ``"11a"``)."""
        return _hp.hp_target_id(self._h)

    @property
    def plan(self):
        """The :class:`Plan`."""
        return Plan(self._ds, _hp.hp_target_plan(self._h))

    @property
    def indicator(self):
        """The :class:`Indicator`."""
        return Indicator(self._ds, _hp.hp_target_indicator(self._h))

    @property
    def region(self):
        """The :class:`Region` (the plan's unless the target names another)."""
        return Region(self._ds, _hp.hp_target_region(self._h))

    @property
    def year(self):
        """The year the target is due."""
        return _hp.hp_target_year(self._h)

    @property
    def rule(self):
        """What the target asks, as a :class:`~healthplan.Rule`."""
        text, desc = _hp.hp_py_target_rule(self._h)
        return Rule._from_json(text, desc)

    @property
    def nature(self):
        """``"binding"`` (约束性), ``"expected"`` (预期性) or ``"unspecified"``."""
        return _hp.hp_nature_name(_hp.hp_target_nature(self._h))

    @property
    def as_printed(self):
        """The plan's own words (``"≤6.5"``), ``""`` when not given."""
        return _hp.hp_target_as_printed(self._h)

    @property
    def source(self):
        return _hp.hp_target_source(self._h)

    @property
    def unit_as_printed(self):
        return _hp.hp_target_unit_as_printed(self._h)

    @property
    def note(self):
        return _hp.hp_target_note(self._h)

    @property
    def lead(self):
        """The lead department (责任部门), ``""`` when not given."""
        return _hp.hp_target_lead(self._h)

    @property
    def partners(self):
        """Partner departments (a tuple)."""
        h = self._h
        return tuple(_hp.hp_target_partner(h, i) for i in range(_hp.hp_target_partner_count(h)))

    def __repr__(self):
        h = self._h
        words = _hp.hp_target_as_printed(h) or _hp.hp_py_target_rule(h)[1]
        return "<Target %s/%s %s %s %d %s>" % (
            _hp.hp_plan_id(_hp.hp_target_plan(h)), _hp.hp_target_id(h),
            _hp.hp_indicator_id(_hp.hp_target_indicator(h)),
            _hp.hp_region_code(_hp.hp_target_region(h)), _hp.hp_target_year(h), words)


_ObservationBase = namedtuple(
    "Observation", "region indicator year value verdict status source as_printed note",
    defaults=(None, None, "final", None, None, None))


class Observation(_ObservationBase):
    """One observation: the value of an indicator in a region and year (a named tuple).

    ``value`` is None for a qualitative observation (``verdict`` ``"met"`` / ``"not_met"``) or
    a recorded gap (``status`` ``"missing"``).
    """

    __slots__ = ()

    def __repr__(self):
        v = self.verdict if self.value is None and self.verdict else (
            "%g" % self.value if self.value is not None else "—")
        extra = "" if self.status in (None, "final") else " (%s)" % self.status
        return "<Observation %s %s %d %s%s>" % (self.region, self.indicator, self.year, v, extra)


def _observation(t):
    region, indicator, year, value, verdict, status, source, as_printed, note = t
    return Observation(region, indicator, year, value, VERDICTS[verdict] or None,
                       OBS_STATUSES[status], source or None, as_printed or None, note or None)


class _Records(Sequence):
    """A live, read-only sequence of a dataset's regions, indicators or plans.

    Index by position (``ds.regions[0]``) or by id/code (``ds.regions["430900"]``);
    ``"430900" in ds.regions`` tests membership.
    """

    def __init__(self, ds, cls, count, at, find, what):
        self._ds, self._cls, self._count, self._at, self._find = ds, cls, count, at, find
        self._what = what

    def __len__(self):
        with self._ds._read() as h:
            return self._count(h)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if isinstance(i, str):
            with self._ds._read() as h:
                return self._cls(self._ds, self._find(h, i))
        try:
            i = operator.index(i)
        except TypeError:
            raise TypeError("index by position (int) or by id (str), not %s"
                            % type(i).__name__) from None
        with self._ds._read() as h:
            n = self._count(h)
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError("%s index out of range" % self._what)
            return self._cls(self._ds, self._at(h, i))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __contains__(self, x):
        if isinstance(x, self._cls):
            return x._ds is self._ds
        try:
            self[_key(x)]
            return True
        except (NotFoundError, TypeError):
            return False

    def ids(self):
        """The ids (codes for regions) as a list."""
        return [str(r) for r in self]

    def __repr__(self):
        return "<%d %s>" % (len(self), self._what)


# ---------------------------------------------------------------------------- dataset

class Dataset:
    """A dataset of regions, indicators, plans, targets and observations.

    ``Dataset()`` is empty; ``Dataset(path, ...)`` loads files (JSON datasets and CSVs);
    ``Dataset.builtin()`` holds the built-in plans (Yiyang's 13th and 14th five-year plans,
    Hengyang's Healthy China 2030 opinion, national and Hunan reference plans and data).
    """

    def __init__(self, *paths, strict=False):
        self._p = None
        self._lock = _RWLock()
        self._generation = 0
        self._p = _hp.hp_dataset_new()
        if paths:
            self.load(*paths, strict=strict)

    @classmethod
    def builtin(cls):
        """A new dataset holding every built-in dataset (no files needed)."""
        ds = cls()
        with ds._write() as h:
            _hp.hp_dataset_add_builtin(h)
        return ds

    @classmethod
    def from_json(cls, text, name=None):
        """A new dataset from a JSON document (``str`` or ``bytes``)."""
        ds = cls()
        ds.loads(text, name=name)
        return ds

    # ---- life cycle

    def _handle(self):
        p = self._p
        if p is None:
            raise ValueError("the dataset is closed")
        return p

    @contextmanager
    def _read(self):
        with self._lock.read():
            yield self._handle()

    @contextmanager
    def _write(self):
        with self._lock.write():
            h = self._handle()
            self._generation += 1
            yield h

    def close(self):
        """Free the C dataset now (records and results of it can no longer be used)."""
        if self._p is None:
            return
        with self._lock.write():
            p, self._p = self._p, None
            if p is not None:
                _hp.hp_dataset_free(p)

    @property
    def closed(self):
        return self._p is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self, _free=_hp.hp_dataset_free):
        # nothing else can hold this object, hence no lock; _free bound early for shutdown
        p = getattr(self, "_p", None)
        if p is not None:
            self._p = None
            _free(p)

    def __reduce__(self):
        return (Dataset.from_json, (self.to_json(),))

    # ---- loading and saving

    def load(self, *paths, strict=False):
        """Load files (JSON datasets, observation CSVs, target CSVs) in one all-or-nothing step.

        References resolve across the files and the records already here. Warnings (an
        unknown key ...) are issued as :class:`HealthplanWarning` and returned as a list;
        with ``strict=True`` they are errors. Raises :class:`ParseError`,
        :class:`ValidationError`, :class:`NotFoundError`, :class:`FileError` ... with the
        file, line and column. Returns the warnings.
        """
        import os
        names = [os.fspath(p) for p in paths]
        with self._write() as h:
            raw = _hp.hp_py_load_files(h, names, 1 if strict else 0)
        ws = [HealthplanWarning(msg, code, file, line, col, field)
              for code, msg, file, line, col, field in raw]
        for w in ws:
            warnings.warn(w, stacklevel=2)
        return ws

    def loads(self, text, name=None):
        """Load a JSON dataset or a CSV (observations or targets) from a string or bytes."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        is_json = data.lstrip()[:1] == b"{" or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
        with self._write() as h:
            if is_json:
                _hp.hp_dataset_load_json_buffer(h, data, name)
            else:
                _hp.hp_dataset_load_csv_buffer(h, data, name)

    def add_builtin(self):
        """Add the built-in datasets to this one."""
        with self._write() as h:
            _hp.hp_dataset_add_builtin(h)

    def save(self, path):
        """Write the whole dataset to ``path`` as one JSON document (atomically)."""
        import os
        with self._read() as h:
            _hp.hp_dataset_save_json(h, os.fspath(path))

    def to_json(self):
        """The whole dataset as one JSON document (``str``)."""
        with self._read() as h:
            return _hp.hp_dataset_save_json_buffer(h)

    def observations_csv(self):
        """The observations as SDMX-style CSV text."""
        with self._read() as h:
            return _hp.hp_dataset_save_observations_csv_buffer(h)

    # ---- contents

    @property
    def counts(self):
        """Numbers of regions, indicators, plans, targets and observations (a dict)."""
        with self._read() as h:
            return {
                "regions": _hp.hp_dataset_region_count(h),
                "indicators": _hp.hp_dataset_indicator_count(h),
                "plans": _hp.hp_dataset_plan_count(h),
                "targets": _hp.hp_dataset_target_count(h),
                "observations": _hp.hp_dataset_observation_count(h),
            }

    def __repr__(self):
        if self._p is None:
            return "<Dataset (closed)>"
        c = self.counts
        return "<Dataset: %s>" % ", ".join("%d %s" % (v, k) for k, v in c.items())

    @property
    def regions(self):
        """The regions (a sequence; ``ds.regions["430900"]`` looks one up)."""
        return _Records(self, Region, _hp.hp_dataset_region_count, _hp.hp_dataset_region_at,
                        _hp.hp_dataset_find_region, "regions")

    @property
    def indicators(self):
        """The indicators (a sequence; ``ds.indicators["infant_mortality"]`` looks one up)."""
        return _Records(self, Indicator, _hp.hp_dataset_indicator_count,
                        _hp.hp_dataset_indicator_at, _hp.hp_dataset_find_indicator, "indicators")

    @property
    def plans(self):
        """The plans (a sequence; ``ds.plans["yiyang-14fyp"]`` looks one up)."""
        return _Records(self, Plan, _hp.hp_dataset_plan_count, _hp.hp_dataset_plan_at,
                        _hp.hp_dataset_find_plan, "plans")

    def region(self, code):
        """The region with ``code`` (``"430900"`` or 430900); NotFoundError names the nearest."""
        with self._read() as h:
            return Region(self, _hp.hp_dataset_find_region(h, _key(code)))

    def indicator(self, id):
        """The indicator with ``id``; NotFoundError names the nearest."""
        with self._read() as h:
            return Indicator(self, _hp.hp_dataset_find_indicator(h, _key(id)))

    def match_indicator(self, name):
        """The indicator a plan's printed name means ("每千人口拥有执业(助理)医师数(人)")."""
        with self._read() as h:
            return Indicator(self, _hp.hp_dataset_match_indicator(h, name))

    def plan(self, id):
        """The plan with ``id``; NotFoundError names the nearest."""
        with self._read() as h:
            return Plan(self, _hp.hp_dataset_find_plan(h, _key(id)))

    def target(self, plan, id):
        """The target ``id`` of ``plan``; NotFoundError names the nearest."""
        with self._read() as h:
            return Target(self, _hp.hp_dataset_find_target(h, _key(plan), str(id)))

    def targets(self, plan=None, region=None, indicator=None, year=None, nature=None):
        """The targets (a list), optionally only those of a plan, region, indicator, year or
        nature. An unknown plan, region or indicator raises NotFoundError."""
        plan, region, indicator = _key(plan), _key(region), _key(indicator)
        if nature is not None:
            nature = _code(NATURES, nature, "nature")
        out = []
        with self._read() as h:
            pp = _hp.hp_dataset_find_plan(h, plan) if plan else None
            rp = _hp.hp_dataset_find_region(h, region) if region else None
            ip = _hp.hp_dataset_find_indicator(h, indicator) if indicator else None
            pi = int(pp) if pp is not None else None
            ri = int(rp) if rp is not None else None
            ii = int(ip) if ip is not None else None
            for i in range(_hp.hp_dataset_target_count(h)):
                t = _hp.hp_dataset_target_at(h, i)
                if pi is not None and int(_hp.hp_target_plan(t)) != pi:
                    continue
                if ri is not None and int(_hp.hp_target_region(t)) != ri:
                    continue
                if ii is not None and int(_hp.hp_target_indicator(t)) != ii:
                    continue
                if year is not None and _hp.hp_target_year(t) != year:
                    continue
                if nature is not None and _hp.hp_target_nature(t) != nature:
                    continue
                out.append(Target(self, t))
        return out

    def observation(self, region, indicator, year):
        """The observation of ``region`` / ``indicator`` in exactly ``year``; NotFoundError
        when there is none."""
        with self._read() as h:
            return _observation(_hp.hp_py_observation(h, _key(region), _key(indicator),
                                                      int(year), 0))

    def latest(self, region, indicator, year=2100):
        """The latest observation with a number at or before ``year``; NotFoundError when
        there is none."""
        with self._read() as h:
            return _observation(_hp.hp_py_observation(h, _key(region), _key(indicator),
                                                      int(year), 1))

    def observations(self, region=None, indicator=None):
        """The observations (a list of :class:`Observation`, by region, indicator and year),
        optionally only those of one region and/or indicator."""
        with self._read() as h:
            rows = _hp.hp_py_observations(h, _key(region), _key(indicator))
        return [_observation(t) for t in rows]

    # ---- adding records

    def add_region(self, code, name_zh=None, name_en=None, parent=None, level=None):
        """Add a region (the parent must be there already). Returns the :class:`Region`."""
        code = _key(code)
        with self._write() as h:
            _hp.hp_py_add_region(h, code, name_zh, name_en, _key(parent),
                                 _code(LEVELS, level, "level"))
        return self.region(code)

    def add_indicator(self, id, name_zh=None, name_en=None, unit=None, direction=None,
                      category=None, aliases=(), ratio=None, additive=False, description=None):
        """Add an indicator. ``direction``: "higher", "lower" or "none"; ``ratio``:
        ``(numerator id, denominator id, scale)`` for a ratio indicator."""
        num, den, scale = (None, None, 0.0) if ratio is None else (
            _key(ratio[0]), _key(ratio[1]), float(ratio[2]))
        with self._write() as h:
            _hp.hp_py_add_indicator(h, id, name_zh, name_en, list(aliases or ()), unit,
                                    _code(DIRECTIONS, direction, "direction"), category, num,
                                    den, scale, 1 if additive else 0, description)
        return self.indicator(id)

    def add_plan(self, id, region, title=None, start=None, end=None, baseline_year=None,
                 source=None):
        """Add a plan of ``region``. Returns the :class:`Plan`."""
        with self._write() as h:
            _hp.hp_py_add_plan(h, id, title, _key(region), int(start or 0), int(end or 0),
                               int(baseline_year or 0), source)
        return self.plan(id)

    def add_target(self, plan, id, indicator, year, rule, region=None, nature=None,
                   as_printed=None, source=None, unit_as_printed=None, note=None, lead=None,
                   partners=()):
        """Add a target. ``rule`` is a phrase as printed (``"≤6.5"``, ``"比2015年降低30%"``,
        read with :func:`parse_target` and kept as ``as_printed``), a :class:`Rule` or a dict
        in the rule's JSON form. Returns the :class:`Target`."""
        if isinstance(rule, str):
            from .rule import parse_target
            if as_printed is None:
                as_printed = rule
            rule = parse_target(rule)
        rule_json = json.dumps(dict(rule), ensure_ascii=False)
        plan, id = _key(plan), str(id)
        with self._write() as h:
            _hp.hp_py_add_target(h, plan, id, _key(indicator), _key(region), int(year),
                                 rule_json, _code(NATURES, nature, "nature"), as_printed,
                                 source, unit_as_printed, note, lead, list(partners or ()))
        return self.target(plan, id)

    # ---- adding observations

    def add_series(self, region, indicator, years, values, source=None):
        """Add one series (many years of one region and indicator) in one step.

        ``years`` and ``values`` are numpy arrays or any sequences of equal length; numpy
        arrays of int32 years and float64 values are passed to C as they are (other dtypes
        are converted once by numpy), with no Python loop per element. The GIL is released
        while the library merges them.
        """
        y = _int_array(years, "years")
        v = _float_array(values, "values")
        with self._write() as h:
            _hp.hp_py_add_series(h, _key(region), _key(indicator), y, v, source)

    def add_observations(self, data=None, **columns):
        """Add observations in one all-or-nothing step.

        ``data`` may be:

        - a pandas DataFrame or a dict of columns: ``region``, ``indicator``, ``year``,
          ``value`` and optionally ``status``, ``verdict``, ``source``, ``as_printed``,
          ``note`` (the SDMX names REF_AREA, INDICATOR, TIME_PERIOD, OBS_VALUE, OBS_STATUS,
          VERDICT, SOURCE, NOTE work too); columns can also be given as keyword arguments;
        - an iterable of dicts with those keys, of :class:`Observation`, or of tuples
          ``(region, indicator, year, value[, source])``.

        Numeric columns given as numpy arrays go to C without a Python loop per element.
        """
        if data is None:
            data = columns
        elif columns:
            raise TypeError("give the observations as data or as keyword columns, not both")
        cols = _columns(data)
        n = len(cols["region"])
        with self._write() as h:
            _hp.hp_py_add_observation_columns(
                h, cols["region"], cols["indicator"], _int_array(cols["year"], "year", n),
                _float_array(cols["value"], "value", n, allow_none=True),
                _small_codes(cols.get("verdict"), VERDICTS, "verdict", n, {"": 0}),
                _small_codes(cols.get("status"), OBS_STATUSES, "status", n, _SDMX_STATUS),
                _strings(cols.get("source"), n), _strings(cols.get("as_printed"), n),
                _strings(cols.get("note"), n))

    # ---- evaluation

    def evaluate(self, plan=None, region=None, indicator=None, as_of=None, method=None,
                 nature=None, baseline=None, tolerance=None, threads=None, thresholds=None):
        """Evaluate the targets (all, or those of a plan, region, indicator, nature).

        Args:
            as_of: judge with data up to this year (default: all data)
            method: "opensdg" (default), "eurostat" or "unsd"
            nature: "binding", "expected" or "unspecified"
            baseline: baseline year policy "next" (default), "exact" or "nearest"
            tolerance: relative tolerance of comparisons (default 1e-9)
            threads: evaluate with this many threads (default: the calling thread)
            thresholds: dict overriding the method thresholds (significant, moderate,
                unsd_on_track, unsd_moderate, trend_significant, trend_moderate,
                zero_substitute)

        The GIL is released while the library evaluates. Returns :class:`Results`.
        Raises NotFoundError (with the nearest id) for an unknown plan, region or indicator.
        """
        from .results import Results
        m = 0 if method is None else _hp.hp_method_from_name(str(method))
        b = _code(("next", "exact", "nearest"), baseline, "baseline policy")
        nat = -1 if nature is None else _code(NATURES, nature, "nature")
        th = dict(thresholds or {})
        names = ("significant", "moderate", "unsd_on_track", "unsd_moderate",
                 "trend_significant", "trend_moderate", "zero_substitute")
        unknown = set(th) - set(names)
        if unknown:
            raise InvalidArgumentError("unknown threshold %s (expected: %s)"
                                       % (", ".join(sorted(unknown)), ", ".join(names)))
        thv = [float(th[k]) if k in th else math.nan for k in names]
        with self._read() as h:
            p = _hp.hp_py_evaluate(h, _key(plan), _key(region), _key(indicator),
                                   int(as_of or 0), nat, m, b,
                                   math.nan if tolerance is None else float(tolerance),
                                   int(threads or 0), *thv)
            return Results(self, p, self._generation)

    def compare(self, regions, indicators=None, year=None, method=None, nature=None,
                baseline=None, tolerance=None):
        """Compare regions side by side: for each indicator, each region's latest value at or
        before ``year`` (default: each region's latest), its rank, its own target and that
        target's status (evaluated with ``method`` ..., as in :meth:`evaluate`).

        ``regions``: codes in column order (1-64), e.g. ``["430900", "430400", "430000",
        "CN"]``; ``indicators``: ids (default: every indicator any of them observes or
        targets). Returns a :class:`~healthplan.Comparison`.
        """
        if not hasattr(_hp, "hp_py_compare"):
            raise NotImplementedError("this build of libhealthplan has no compare.h")
        from .compare import Comparison
        if isinstance(regions, (str, int, _Record)):
            regions = [regions]
        regs = [_key(r) for r in regions]
        inds = None if indicators is None else [_key(i) for i in (
            [indicators] if isinstance(indicators, (str, _Record)) else indicators)]
        m = 0 if method is None else _hp.hp_method_from_name(str(method))
        b = _code(("next", "exact", "nearest"), baseline, "baseline policy")
        nat = -1 if nature is None else _code(NATURES, nature, "nature")
        with self._read() as h:
            p = _hp.hp_py_compare(h, regs, inds, int(year or 0), m, b, nat,
                                  math.nan if tolerance is None else float(tolerance))
            return Comparison(self, p)

    def rollup(self):
        """Derive the figures of cities, provinces and the country from the regions below them
        (sums of additive indicators when every child region has a value; ratios from their
        parts). Observed figures are never replaced; derived ones have status ``derived``.
        Returns the number of observations added."""
        with self._write() as h:
            return _hp.hp_py_rollup(h)

    def audit(self, plan=None):
        """Check the plans' own numbers (reported ratios against their parts, units,
        conflicting targets, implausible values): a :class:`~healthplan.Audit` of findings,
        errors first. ``plan`` limits the targets checked (observations are always all
        checked)."""
        if not hasattr(_hp, "hp_audit"):
            raise NotImplementedError("this build of libhealthplan has no audit.h")
        from .audit import Audit
        with self._read() as h:
            return Audit(self, _hp.hp_audit(h, _key(plan)))


def load(*paths, strict=False, builtin=False):
    """A new :class:`Dataset` with the files loaded (``builtin=True`` adds the built-in data
    first, so the files can refer to its regions, indicators and plans)."""
    ds = Dataset.builtin() if builtin else Dataset()
    if paths:
        ds.load(*paths, strict=strict)
    return ds


def builtin_files():
    """The built-in dataset files as a dict: name -> JSON text."""
    return {name: data.decode("utf-8") for name, data in _hp.hp_py_builtin_files()}


# ---------------------------------------------------------------------------- column helpers

_ALIASES = {
    "region": ("region", "REF_AREA", "region_code", "code"),
    "indicator": ("indicator", "INDICATOR", "indicator_id"),
    "year": ("year", "TIME_PERIOD", "time_period"),
    "value": ("value", "OBS_VALUE", "obs_value"),
    "status": ("status", "OBS_STATUS", "obs_status"),
    "verdict": ("verdict", "VERDICT"),
    "source": ("source", "SOURCE"),
    "as_printed": ("as_printed", "AS_PRINTED"),
    "note": ("note", "NOTE"),
}


def _tolist(col):
    if hasattr(col, "tolist"):
        return col.tolist()
    return list(col)


def _columns(data):
    """Observation columns (dict name -> sequence) from a DataFrame, a dict of columns or an
    iterable of rows."""
    if hasattr(data, "columns") and hasattr(data, "__getitem__"):  # a DataFrame
        src = {c: data[c] for c in data.columns}
    elif isinstance(data, dict):
        src = data
    else:
        rows = list(data)
        src = {k: [] for k in ("region", "indicator", "year", "value", "status", "verdict",
                               "source", "as_printed", "note")}
        for r in rows:
            if isinstance(r, dict):
                get = r.get
                vals = [get(a) for k in src for a in (_pick(r, k),)]
            elif isinstance(r, Observation):
                vals = [r.region, r.indicator, r.year, r.value, r.status, r.verdict, r.source,
                        r.as_printed, r.note]
            else:
                r = tuple(r)
                if not 4 <= len(r) <= 5:
                    raise ValueError("an observation tuple is (region, indicator, year, value"
                                     "[, source]), got %r" % (r,))
                vals = [r[0], r[1], r[2], r[3], None, None, r[4] if len(r) > 4 else None, None,
                        None]
            for k, v in zip(src, vals):
                src[k].append(v)
        for k in ("status", "verdict", "source", "as_printed", "note"):
            if all(v is None for v in src[k]):
                del src[k]
    out = {}
    for k, names in _ALIASES.items():
        for name in names:
            if name in src:
                out[k] = src[name]
                break
    for k in ("region", "indicator", "year", "value"):
        if k not in out:
            raise ValueError("observations need a %r column (or %s)" % (k, _ALIASES[k][1]))
    out["region"] = _str_column(out["region"])
    out["indicator"] = _str_column(out["indicator"])
    return out


def _str_column(col):
    """A list of str (ids, codes) from a column; integer codes (430900) become str."""
    np = _numpy()
    if np is not None and hasattr(col, "dtype") and np.asarray(col).dtype.kind in "iu":
        return np.asarray(col).astype(str).tolist()
    lst = _tolist(col)
    if set(map(type, lst)) <= {str}:  # the usual case, checked without a Python-level loop
        return lst
    return [None if v is None else _key(v) for v in lst]


def _pick(row, k):
    for name in _ALIASES[k]:
        if name in row:
            return name
    return k


def _numpy():
    try:
        import numpy
        return numpy
    except ImportError:
        return None


def _int_array(x, what, n=None):
    np = _numpy()
    if np is not None:
        a = np.asarray(x)
        if a.dtype.kind == "f":
            if not np.all(np.isfinite(a)) or not np.all(a == np.floor(a)):
                raise ValueError("%s must be whole numbers" % what)
        elif a.dtype.kind not in "iub":
            a = np.asarray([int(v) for v in _tolist(x)])
        a = np.ascontiguousarray(a, dtype=np.intc).reshape(-1)
    else:
        import array
        a = array.array("i", (int(v) for v in x))
    if n is not None and len(a) != n:
        raise ValueError("%s has %d items, expected %d" % (what, len(a), n))
    return a


def _float_array(x, what, n=None, allow_none=False):
    np = _numpy()
    if np is not None:
        a = np.asarray(x)
        if a.dtype.kind == "O" or a.dtype.kind in "US":
            if not allow_none and any(v is None for v in _tolist(x)):
                raise ValueError("%s: None is not a number" % what)
            a = np.asarray([math.nan if v is None else float(v) for v in _tolist(x)],
                           dtype=np.float64)
        a = np.ascontiguousarray(a, dtype=np.float64).reshape(-1)
    else:
        import array
        a = array.array("d", (math.nan if v is None else float(v) for v in x))
    if n is not None and len(a) != n:
        raise ValueError("%s has %d items, expected %d" % (what, len(a), n))
    return a


def _small_codes(col, table, what, n, extra):
    """int8 codes from names (or codes); None when the column is absent."""
    if col is None:
        return None
    np = _numpy()
    vals = _tolist(col)
    codes = []
    for v in vals:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            codes.append(0)
        elif isinstance(v, str) and v in extra:
            e = extra[v]
            codes.append(e if isinstance(e, int) else table.index(e))
        else:
            codes.append(_code(table, v, what))
    if len(codes) != n:
        raise ValueError("%s has %d items, expected %d" % (what, len(codes), n))
    if np is not None:
        return np.asarray(codes, dtype=np.int8)
    import array
    return array.array("b", codes)


def _strings(col, n):
    if col is None:
        return None
    vals = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v)
            for v in _tolist(col)]
    if len(vals) != n:
        raise ValueError("a text column has %d items, expected %d" % (len(vals), n))
    return vals
