"""The pandas baseline for `npm run bench`: what a TRE's Python check starts from.

Reads the benchmark CSV with pandas and computes the same crosstab airlock checks (sum of the
measure by row and column variable, plus the count and the largest two contributions per
cell that the dominance rules need is *not* included: pandas alone, as the issue states it).
Prints one JSON line: seconds to read, to crosstab, and in total (median of --runs).

Usage: /usr/bin/python3 bench/baseline_pandas.py FILE.csv [--runs N]
"""
import json
import statistics
import sys
import time

import pandas as pd


def once(path):
    t0 = time.perf_counter()
    # Categorical dtypes are what a careful pandas user picks, and pandas' fastest here.
    df = pd.read_csv(path, dtype={"region": "category", "band": "category"})
    t1 = time.perf_counter()
    table = pd.crosstab(df["region"], df["band"], values=df["income"], aggfunc="sum", dropna=False)
    t2 = time.perf_counter()
    assert table.shape[0] > 0
    return t1 - t0, t2 - t1, t2 - t0


def main(argv):
    path = argv[1]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    once(path)  # warm the page cache and pandas' lazy imports, as airlock's warm-up run does
    results = [once(path) for _ in range(runs)]
    print(json.dumps({
        "pandas": pd.__version__,
        "runs": runs,
        "read_s": statistics.median(r[0] for r in results),
        "crosstab_s": statistics.median(r[1] for r in results),
        "total_s": statistics.median(r[2] for r in results),
    }))


if __name__ == "__main__":
    main(sys.argv)
