"""Small 2D geometry over numpy arrays: angles between segments, signed sides, line angles."""
from __future__ import annotations

import numpy as np


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / n


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees between vectors u and v (..., 2); NaN where either is zero/NaN."""
    cos = np.sum(_unit(u) * _unit(v), axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def cross2(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """z component of the cross product of 2D vectors."""
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


def medial_offset(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray,
                  medial_dir: np.ndarray) -> np.ndarray:
    """Signed distance of the knee from the hip-ankle line; positive toward `medial_dir`.

    All inputs are (..., 2) pixel coordinates; `medial_dir` points from this leg's hip toward the
    other hip (the body's midline), so the sign is right for either leg and any facing direction.
    """
    axis = _unit(ankle - hip)
    rel = knee - hip
    perp = rel - np.sum(rel * axis, axis=-1, keepdims=True) * axis
    return np.sum(perp * _unit(medial_dir), axis=-1)


def fppa(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray,
         medial_dir: np.ndarray) -> np.ndarray:
    """Frontal plane projection angle in degrees: 180 minus the interior hip-knee-ankle angle.

    Positive = valgus (knee medial to the hip-ankle line), negative = varus.
    """
    magnitude = angle_between(knee - hip, ankle - knee)
    side = np.sign(medial_offset(hip, knee, ankle, medial_dir))
    return magnitude * np.where(side == 0, 1.0, side)


def line_tilt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle in degrees of the line a->b against the image horizontal, in (-90, 90].

    Image y grows downward, so a positive value means b is lower in the picture than a.
    """
    d = b - a
    ang = np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))
    return ang


def lean_from_vertical(top: np.ndarray, bottom: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """Angle in degrees of the line bottom->top against the image vertical, signed positive
    when `top` leans in the direction of the vector `toward` (..., 2)."""
    d = top - bottom
    up = np.zeros_like(d)
    up[..., 1] = -1.0
    mag = angle_between(d, up)
    sign = np.sign(np.sum(d * np.where(np.isnan(toward), 0.0, toward), axis=-1) * 1.0)
    return mag * np.where(sign == 0, 1.0, sign)


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(b - a, axis=-1)
