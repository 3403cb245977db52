"""Start-up of the pose module: MediaPipe's unused matplotlib imports are deferred, and matplotlib still works."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO

_SCRIPT = """
import sys
import screening.engine.pose
print('figure' if 'matplotlib.figure' in sys.modules else 'deferred',
      'deferred' if type(sys.modules['matplotlib']).__name__ == '_Deferred' else 'loaded')
import matplotlib
print(matplotlib.__version__.split('.')[0].isdigit())
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from mediapipe.tasks.python.vision import drawing_utils
fig = drawing_utils.plt.figure(figsize=(1, 1))
print(type(fig).__name__, plt.gcf() is fig, 'matplotlib.figure' in sys.modules)
"""


def test_pyplot_loads_only_when_used():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["deferred", "deferred", "True", "Figure", "True", "True"]


_PACKAGE_FIRST = """
import sys
import screening.engine.pose
from matplotlib import pyplot as plt      # the deferred package hands out the deferred pyplot
import matplotlib.pyplot
print(type(sys.modules['matplotlib']).__name__, plt is matplotlib.pyplot)
plt.switch_backend('Agg')
fig = plt.figure()
print(type(fig).__name__, type(sys.modules['matplotlib']).__name__ == 'module')
"""


def test_the_deferred_matplotlib_package_loads_for_pyplot_users():
    out = subprocess.run([sys.executable, "-c", _PACKAGE_FIRST], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["_Deferred", "True", "Figure", "True"]
