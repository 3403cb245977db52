"""Ground floor: geometry, landmark indices, the landmark track, the Result type, categories and shared words.

Nothing here imports from the rest of the package.
"""

__all__ = [
    "errors", "geometry", "landmarks", "result", "specs", "timing", "track", "types", "vocab"
]
