#!/usr/bin/python3
"""Yiyang (益阳) against Hengyang (衡阳), from the built-in data, with a chart.

Evaluates Yiyang's 13th and 14th five-year health plans and Hengyang's Healthy China 2030
opinion, prints every indicator both cities set targets for (each city's latest value, its
targets and their status) and draws a PNG: both cities' 2020 values against their 2025 and
2030 targets, with Hunan and China where the data has them.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 compare_cities.py [--output cities.png]
"""
import argparse
import sys

import healthplan

CITIES = {"430900": ("Yiyang", ["yiyang-13fyp", "yiyang-14fyp"]),
          "430400": ("Hengyang", ["hengyang-2030"])}
REFERENCE = {"430000": "Hunan", "CN": "China"}


def evaluate(ds):
    """Results per city: {code: [Result, ...]} over the city's plans."""
    return {code: [r for plan in plans for r in ds.evaluate(plan=plan)]
            for code, (_, plans) in CITIES.items()}


def shared_indicators(ds, results):
    """Indicator ids both cities set targets for, in the dataset's order."""
    sets = [{r.indicator for r in rs} for rs in results.values()]
    both = set.intersection(*sets)
    return [ind.id for ind in ds.indicators if ind.id in both]


def value_near(ds, region, indicator, year=2020, back=5):
    """The observation in `year`, else the latest up to `back` years before it, or None."""
    try:
        o = ds.latest(region, indicator, year)
    except healthplan.NotFoundError:
        return None
    return o if o.year >= year - back else None


def print_table(ds, results, indicators):
    print("Yiyang (430900; yiyang-13fyp, yiyang-14fyp) and Hengyang (430400; hengyang-2030):")
    print("the indicators both cities set targets for\n")
    print("  %-10s %-15s %-24s %-34s %s" % ("city", "latest", "target", "asks", "status"))
    for ind_id in indicators:
        ind = ds.indicator(ind_id)
        print("\n%s (%s, %s)" % (ind.id, ind.name_en or ind.name_zh, ind.unit))
        for code, (name, _) in CITIES.items():
            try:
                o = ds.latest(code, ind_id)
                latest = "%.4g (%d)" % (o.value, o.year)
            except healthplan.NotFoundError:
                latest = "-"
            first = True
            for r in results[code]:
                if r.indicator != ind_id:
                    continue
                rule = ds.target(r.plan, r.target).rule
                print("  %-10s %-15s %-24s %-34s %s" % (
                    name if first else "", latest if first else "", "%s/%s" % (r.plan, r.target),
                    "%s by %d" % (rule, r.year), r.status))
                first = False
    print("\n%d indicators targeted by both cities" % len(indicators))
    for code, (name, plans) in CITIES.items():
        for plan in plans:
            c = {k: v for k, v in ds.evaluate(plan=plan).counts().items() if v}
            print("%-14s %3d targets: %s" % (plan, sum(c.values()),
                                             " ".join("%d %s" % (v, k) for k, v in c.items())))


def chart_rows(ds, results, indicators):
    """What the chart shows, per indicator: values near 2020 and the cities' later targets."""
    rows = []
    for ind_id in indicators:
        values = {}
        for code in list(CITIES) + list(REFERENCE):
            o = value_near(ds, code, ind_id)
            if o is not None and o.value is not None:
                values[code] = o
        targets = {}
        for code in CITIES:
            later = [r for r in results[code] if r.indicator == ind_id and r.year > 2020
                     and r.target_value is not None]
            if later:
                targets[code] = later[0]
        verdicts = {}  # a city reporting "met" without a figure (优于目标值)
        for code in CITIES:
            try:
                v = ds.observation(code, ind_id, 2020).verdict
            except healthplan.NotFoundError:
                continue
            if v:
                verdicts[code] = "reported\n%s (2020)" % v.replace("_", " ")
        if any(c in values for c in CITIES) or (values and targets):
            rows.append((ds.indicator(ind_id), values, targets, verdicts))
    return rows


def draw(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regions = list(CITIES) + list(REFERENCE)
    names = [CITIES[c][0] if c in CITIES else REFERENCE[c] for c in regions]
    colours = {"430900": "#1f77b4", "430400": "#d62728", "430000": "#7f7f7f", "CN": "#bcbd22"}
    ncols = 3
    nrows = (len(rows) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.5 * nrows), squeeze=False)
    for ax, (ind, values, targets, verdicts) in zip(axes.flat, rows):
        top = max([o.value for o in values.values()] +
                  [r.target_value for r in targets.values()] + [1e-9])
        for x, code in enumerate(regions):
            o = values.get(code)
            if o is not None:
                ax.bar(x, o.value, color=colours[code], width=0.6)
                label = "%.4g" % o.value + ("" if o.year == 2020 else "\n(%d)" % o.year)
                ax.annotate(label, (x, o.value), ha="center", va="bottom", fontsize=7,
                            xytext=(0, 2), textcoords="offset points")
            else:
                ax.annotate(verdicts.get(code, "no data"), (x, 0), ha="center", va="bottom",
                            fontsize=7, color="#777777", xytext=(0, 2),
                            textcoords="offset points")
            r = targets.get(code)
            if r is not None:
                ax.plot([x - 0.4, x + 0.4], [r.target_value] * 2, color="black", lw=2)
                below = o is not None and r.target_value < o.value  # keep the value readable
                ax.annotate("%d target %.4g" % (r.year, r.target_value), (x, r.target_value),
                            ha="center", va="top" if below else "bottom", fontsize=7,
                            xytext=(0, -3 if below else 3), textcoords="offset points")
        ax.set_ylim(0, top * 1.3)
        ax.set_xticks(range(len(regions)))
        ax.set_xticklabels(names, fontsize=8)
        better = {"lower": "lower is better", "higher": "higher is better"}.get(ind.direction, "")
        ax.set_title("%s\n(%s%s)" % (ind.name_en or ind.id, ind.unit,
                                     ", " + better if better else ""), fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(rows):]:
        ax.axis("off")
    fig.suptitle("Yiyang and Hengyang: 2020 values (bars) against their later targets "
                 "(black lines), with Hunan and China", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", "-o", default="compare_cities.png", help="PNG file to write")
    ap.add_argument("--no-chart", action="store_true", help="print the table only")
    args = ap.parse_args(argv)
    ds = healthplan.Dataset.builtin()
    results = evaluate(ds)
    indicators = shared_indicators(ds, results)
    print_table(ds, results, indicators)
    if not args.no_chart:
        rows = chart_rows(ds, results, indicators)
        draw(rows, args.output)
        print("\nchart: %s (%d indicators)" % (args.output, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
