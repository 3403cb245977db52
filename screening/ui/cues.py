"""Short WAV beeps for the exercise timer's phase cues, made with numpy and the wave module (no assets).

The athlete lies on the floor and cannot watch the screen, so every phase has its own sound:
a high beep to lift, two short beeps to hold, a low beep to lower, a long low tone to rest,
a rising pair to switch sides and a three-note chime when done.
"""
from __future__ import annotations

import io
import wave

import numpy as np

RATE = 22050  # samples per second: plenty for beeps, small files
#: phase -> [(frequency Hz, seconds)]; frequency 0 is a silent gap
CUES: dict[str, list[tuple[float, float]]] = {
    "lift": [(880.0, 0.25)],
    "hold": [(660.0, 0.12), (0.0, 0.08), (660.0, 0.12)],
    "lower": [(440.0, 0.30)],
    "relax": [(440.0, 0.30)],
    "rest": [(330.0, 0.60)],
    "switch": [(523.0, 0.18), (0.0, 0.06), (784.0, 0.30)],
    "done": [(523.0, 0.15), (659.0, 0.15), (784.0, 0.35)],
}


def _tone(freq: float, seconds: float) -> np.ndarray:
    n = round(RATE * seconds)
    if freq <= 0:
        return np.zeros(n)
    t = np.arange(n) / RATE
    ramp = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # 10 ms fade in/out: no clicks
    return 0.6 * np.sin(2 * np.pi * freq * t) * np.clip(ramp, 0.0, 1.0)


def cue_wav(phase: str, variant: int = 0) -> bytes:
    """The cue for a phase as 16-bit mono WAV bytes. ``variant`` adds 0 or 1 ms of trailing silence so
    two identical cues in a row are different files (a browser replays only a changed source)."""
    if phase not in CUES:
        raise KeyError(f"no sound cue for phase {phase!r}; known: {', '.join(CUES)}")
    signal = np.concatenate([_tone(f, s) for f, s in CUES[phase]] + [np.zeros(int(RATE * 0.001) * (variant % 2))])
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((signal * 32767).astype("<i2").tobytes())
    return buf.getvalue()
