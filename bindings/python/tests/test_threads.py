"""The GIL is released while the library works: threads evaluate one dataset in parallel."""
import threading
import time

import pytest

import healthplan


def test_two_threads_give_identical_results(builtin):
    expected = builtin.evaluate().to_records()
    out = [None, None]
    errors = []

    def work(k):
        try:
            for _ in range(5):
                out[k] = builtin.evaluate().to_records()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert out[0] == expected and out[1] == expected


def _big_dataset(n=3000, nind=4):
    np = pytest.importorskip("numpy")
    ds = healthplan.Dataset()
    ds.add_region("CN", level="country")
    codes = ["R%05d" % i for i in range(n)]
    for c in codes:
        ds.add_region(c, parent="CN", level="province")
    for k in range(nind):
        ds.add_indicator("i%d" % k, unit="percent", direction="higher")
    ds.add_plan("p", "CN", start=2021, end=2025, baseline_year=2015)
    years = np.arange(2015, 2025, dtype=np.int32)
    rng = np.random.default_rng(3)
    m = n * nind * len(years)
    ds.add_observations(region=np.repeat(codes, nind * len(years)),
                        indicator=np.tile(np.repeat(["i%d" % k for k in range(nind)],
                                                    len(years)), n),
                        year=np.tile(years, n * nind), value=rng.uniform(10, 50, m))
    ds.loads("plan,id,region,indicator,year,target\n" + "".join(
        "p,t%d_%d,%s,i%d,2025,≥40\n" % (i, k, c, k) for i, c in enumerate(codes)
        for k in range(nind)), name="targets.csv")
    return ds


def test_the_gil_is_released_during_evaluation():
    """While one thread is inside hp_evaluate, another keeps running Python code."""
    ds = _big_dataset()
    window = []

    def work():
        t0 = time.perf_counter()
        ds.evaluate()
        window.append((t0, time.perf_counter()))

    stamps = []
    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        stamps.append(time.perf_counter())
        time.sleep(0.002)
    worker.join()
    (t0, t1), = window
    inside = [s for s in stamps if t0 <= s <= t1]
    # with the GIL held for the whole call, this thread could not run at all in between
    assert len(inside) >= 3, "main thread stalled while the evaluation ran (%.3f s)" % (t1 - t0)
    points = [t0] + inside + [t1]
    longest = max(b - a for a, b in zip(points, points[1:]))
    assert longest < 0.75 * (t1 - t0), (longest, t1 - t0)


def test_changes_wait_for_running_evaluations():
    ds = _big_dataset(n=1500)
    order = []
    started = threading.Event()

    def evaluate():
        started.set()
        order.append(("evaluate", len(ds.evaluate())))

    t = threading.Thread(target=evaluate)
    t.start()
    started.wait()
    ds.add_observations([("R00000", "i0", 2025, 45.0)])  # waits for the evaluation
    order.append(("added", None))
    t.join()
    assert ("added", None) in order and len(order) == 2
    assert ds.observation("R00000", "i0", 2025).value == 45.0
