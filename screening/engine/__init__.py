"""Analysis engine: video and pose in; landmark track, clean-up, events, measures, checks, norms and ratings out.

assess.assess turns a landmark track into a Result; tracking.run_pose turns a video into a track.
"""

__all__ = [
    "assess", "clamshell", "clamshell_rating", "clip_limits", "events", "example", "filtering", "framestore", "lying",
    "metrics", "models", "norms", "orientation", "pose", "progress", "quality", "ratings", "sides", "stance",
    "synthetic", "synthetic_lying", "synthetic_single", "tracking", "verdict", "video"
]
