"""Start-up of the pose module: MediaPipe's unused pyplot import is deferred, and pyplot still works."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO

_SCRIPT = """
import sys
import screening.engine.pose
print('figure' if 'matplotlib.figure' in sys.modules else 'deferred')
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from mediapipe.tasks.python.vision import drawing_utils
fig = drawing_utils.plt.figure(figsize=(1, 1))
print(type(fig).__name__, plt.gcf() is fig, 'matplotlib.figure' in sys.modules)
"""


def test_pyplot_loads_only_when_used():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["deferred", "Figure", "True", "True"]
