#!/usr/bin/env python3
"""Checks that configs/bench/cdp-gbm.toml is the peer model: runs the numpy
peer (../shared/bench) and `tempest run` with the same number of runs and
compares mean liquidations per run and mean final price (difference in
standard errors of the difference) and the share of runs with a deficit,
for the 10,000-ETH pool and the 150-ETH pool. The peer's deficit is what
sales leave unpaid of debt plus penalty: Tempest's shortfall column. It also
prints the share Tempest gives when the same book is unwound by Dutch
auctions instead (sale = "auction"), for contrast.

    make same-model                          # 2,000 runs each, with Debian's python3
    python3 scripts/same-model.py [RUNS]     # default 2000; needs numpy
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
peer_dir = os.environ.get("PEER", os.path.join(root, "..", "shared", "bench"))
sys.path.insert(0, peer_dir)
import cdp_model as cm  # noqa: E402
import plain_cdp as pc  # noqa: E402

M = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
N, T = 1000, 720


def peer(pool):
    p = cm.make_params(seed=1, pool_eth0=pool)
    coll0, debt0 = cm.make_book(N, p)
    rec = {k: np.zeros((M, T)) for k in ("price", "pool_price", "deficit", "n_liq")}
    for m in range(M):
        pc.run_one(p, coll0, debt0, T, m + 1, "np", {k: v[m] for k, v in rec.items()})
    return rec["n_liq"].sum(axis=1), rec["price"][:, -1], rec["deficit"][:, -1]


def tempest(pool, out, sale="pool"):
    subprocess.run([os.path.join(root, "tempest"), "run", "configs/bench/cdp-gbm.toml", "--runs", str(M),
                    "--set", f"pools.eth.liquidity={pool}", "--set", f"auction.eth.sale={sale}",
                    "--out", out, "--quiet", "--no-report"], check=True, cwd=root, stdout=subprocess.DEVNULL)
    rows = list(csv.DictReader(open(os.path.join(out, "runs.csv"))))
    bad = [r["run"] for r in rows if r["status"] != "ok"]
    if bad:
        sys.exit(f"tempest: runs {bad[:5]} did not finish: see {out}/runs.csv")
    col = lambda k: np.array([float(r[k]) for r in rows])  # noqa: E731
    return col("liquidations"), col("final_price_eth"), col("shortfall")


def mean_se(x):
    return x.mean(), x.std(ddof=1) / math.sqrt(len(x))


subprocess.run(["go", "build", "-o", "tempest", "./cmd/tempest"], check=True, cwd=root)
with tempfile.TemporaryDirectory() as tmp:
    for pool in (10000, 150):
        pl, pf, pd = peer(pool)
        tl, tf, td = tempest(pool, os.path.join(tmp, str(pool)))
        print(f"pool {pool} ETH, {M} runs each")
        for name, a, b in (("liquidations per run", pl, tl), ("final ETH price", pf, tf)):
            (am, ase), (bm, bse) = mean_se(a), mean_se(b)
            z = (bm - am) / math.hypot(ase, bse)
            print(f"  {name:22s} numpy {am:9.2f} ± {ase:5.2f}   tempest {bm:9.2f} ± {bse:5.2f}   "
                  f"difference {z:+.2f} SE ({'within' if abs(z) <= 3 else 'OUTSIDE'} 3 SE)")
        _, _, ad = tempest(pool, os.path.join(tmp, f"{pool}-auction"), sale="auction")
        print(f"  runs with a deficit    numpy {np.mean(pd > 0):.3f}   tempest {np.mean(td > 0):.3f} (shortfall > 0)   "
              f"tempest with Dutch auctions {np.mean(ad > 0):.3f}")
