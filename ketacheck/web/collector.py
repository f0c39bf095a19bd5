"""Python's garbage collector, set for a server that keeps everything it loaded at start-up.

With `runner.postScriptGC = false` (.streamlit/config.toml) Streamlit no longer collects after every
run, and Python's own collector runs on its defaults: a young collection every 700 new container
objects, and now and then a full one over every object in the process, the content and the imported
modules included. Under 50 people with no pause that was about 0.85 ms of a KetaCheck click's server
CPU, each full collection 100-130 ms during which every run waits (benchmarks/RESULTS.md, "Speed v2,
an eighth look"). So, once the app is imported:

- everything alive then (modules, the validated content, Streamlit's own start-up) is moved out of
  the collector's sight (`gc.freeze`): it lives as long as the process and holds no garbage;
- a young collection waits for `threshold` new objects instead of 700, so fewer objects reach the
  old generation and full collections come less often. Garbage in cycles (a run's closures and
  frames) is still collected, a little later; memory per session and the soak's flat RSS are
  measured by `make bench`.
"""

from __future__ import annotations

import gc

# New container objects between young collections (Python's default: 700). 10,000 cut the GC's
# CPU further but the 20-minute soak's RSS then grew (0.24 MB per minute, 20 MB above); with 2,000 it
# stays flat (0.027) and the full collections' stalls are still rare (benchmarks/RESULTS.md).
THRESHOLD = 2_000


def tune(threshold: int = THRESHOLD) -> None:
    """Freeze what is alive now and space the young collections `threshold` objects apart.
    0 leaves Python's collector as it is (`python serve.py --gc-threshold 0`, for comparison)."""
    if threshold <= 0:
        return
    gc.collect()  # garbage left by start-up is freed, not frozen
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
