"""Research on a strategy beyond one backtest: pure functions, no Django, no strategy code.

* ``parameters`` - the strategy's tunable class attributes, read from the source with ``ast``;
* ``constraints`` - ``fast < slow``-style expressions parsed into a safe tree and evaluated here;
* ``grid`` - parameter grids exactly as ``Backtest.optimize(method="grid")`` builds and scores
  them (the runs themselves happen in the sandbox, in chunks);
* ``walkforward`` - window arithmetic and the stitched out-of-sample equity;
* ``montecarlo`` - trade reshuffling and bootstrap, seeded;
* ``tearsheet`` - QuantStats' HTML report, self-contained (no remote references).
"""

from __future__ import annotations
