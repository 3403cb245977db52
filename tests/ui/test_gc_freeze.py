"""Streamlit collects garbage fully after every page run, and the live page's panel reruns twice a second: the
imported modules' objects are set aside (gc.freeze) so those collections stop walking them (they held the GIL
~0.1 s each, and the live camera's worker measured 1-2 frames a second instead of 10 or more)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from conftest import REPO

# Run in a process of its own: freezing is process-wide, and pytest's own objects must not be frozen.
SERVER = textwrap.dedent("""
    import gc, json, time, weakref
    import streamlit
    from screening.ui import live_page, results, screen, startup   # what the app imports at its first run

    def walked():          # what a full collection walks (gc's own list) and its time, best of 3
        times = []
        for _ in range(3):
            t = time.perf_counter(); gc.collect(2); times.append(time.perf_counter() - t)
        return len(gc.get_objects()), min(times)

    class Node:
        pass

    def cycle():           # a page run's garbage: objects that refer to each other, freed only by the collector
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)
    before = walked()
    first = startup.freeze_imports()
    again = startup.freeze_imports()                                 # nothing new imported: nothing to do
    import pandas                                                    # the panel's first table imports it
    later = walked()
    third = startup.freeze_imports()
    after = walked()
    dead = cycle()                                                   # made and dropped after the freezes
    gc.collect(2)
    print(json.dumps({"before": before, "first": first, "again": again, "later": later, "third": third,
                      "after": after, "freed": dead() is None}))
""")


def test_full_collections_no_longer_walk_the_imported_modules():
    out = subprocess.run([sys.executable, "-c", SERVER], capture_output=True, text=True, timeout=300, cwd=REPO,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["before"][0] > 100_000                   # what each collection walked (gc's own count)
    assert r["first"] and not r["again"] and r["third"]
    assert r["later"][0] > 20_000                     # pandas, imported after the freeze, until the next one
    assert r["after"][0] < 5_000 and r["after"][1] < r["before"][1] / 5
    assert r["freed"]                                 # later garbage cycles are still collected: no leak
