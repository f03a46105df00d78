#!/usr/bin/python3
"""Evaluate your own observations against a plan.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 evaluate_csv.py OBSERVATIONS.csv \\
        --plan yiyang-14fyp [--as-of 2023] [--method opensdg|eurostat|unsd] [--format table|csv]
        [--data more.json ...]

OBSERVATIONS.csv is an observations CSV (docs/format.md): a header with REF_AREA, INDICATOR,
TIME_PERIOD, OBS_VALUE (and optionally OBS_STATUS, SOURCE, VERDICT ...), one row per region,
indicator and year. It is read on top of the built-in data, so its codes and ids are those of
`healthplan targets` (region 430900, indicator infant_mortality ...). Prints one line per
target of the plan and a summary; exits 1 with file:line:column on bad input.
"""
import argparse
import sys
import unicodedata

import healthplan


def fmt(x, year=None):
    if x is None:
        return ""
    s = "%.4g" % x
    return "%s (%d)" % (s, year) if year else s


def width(s):
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def table(rows, head):
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in [list(head)] + rows) for i in range(len(head))]

    def line(cells):
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main(argv=None):
    ap = argparse.ArgumentParser(description="Evaluate an observations CSV against a plan.")
    ap.add_argument("csv", nargs="+", help="observations CSV file(s)")
    ap.add_argument("--plan", required=True, help="plan id, e.g. yiyang-14fyp")
    ap.add_argument("--as-of", type=int, help="judge with data up to this year")
    ap.add_argument("--method", default="opensdg", help="opensdg, eurostat or unsd")
    ap.add_argument("--format", choices=("table", "csv"), default="table")
    ap.add_argument("--data", action="append", default=[],
                    help="more dataset files (JSON or CSV) to load first")
    args = ap.parse_args(argv)
    try:
        ds = healthplan.load(*args.data, builtin=True)
        before = ds.counts["observations"]
        ds.load(*args.csv)
        added = ds.counts["observations"] - before
        res = ds.evaluate(plan=args.plan, as_of=args.as_of, method=args.method)
    except healthplan.Error as e:
        print("evaluate_csv: %s" % e, file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(res.to_csv())
        return 0
    print("%s: %d observations read from %s; %d targets judged%s (%s)\n" % (
        args.plan, added, ", ".join(args.csv), len(res),
        " as of %d" % args.as_of if args.as_of else "", args.method))
    rows = [(r.target, r.indicator, r.region, r.year, r.as_printed or "",
             fmt(r.baseline, r.baseline_year), fmt(r.latest, r.latest_year), r.status,
             r.cls or "", r.reason) for r in res]
    print(table(rows, ("id", "indicator", "region", "year", "target", "baseline", "latest",
                       "status", "class", "reason")))
    print()
    print(res.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
