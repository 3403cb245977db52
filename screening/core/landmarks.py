"""MediaPipe Pose (BlazePose, 33 points) landmark indices and the subsets the screening uses."""
from __future__ import annotations

N_LANDMARKS = 33

NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(NAMES)}
# Landmark order of a left-right mirrored picture: each point takes its other-side twin's index.
MIRROR = list(INDEX[n.replace("left", "#").replace("right", "left").replace("#", "right")] for n in NAMES)

SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}

# Per leg: the joints the frontal-plane measures use.
LEG = {
    side: {
        "shoulder": INDEX[f"{side}_shoulder"],
        "hip": INDEX[f"{side}_hip"],
        "knee": INDEX[f"{side}_knee"],
        "ankle": INDEX[f"{side}_ankle"],
        "heel": INDEX[f"{side}_heel"],
        "toe": INDEX[f"{side}_foot_index"],
    }
    for side in SIDES
}

# Points exported per frame (frames.csv, Result series): name -> index.
EXPORT_POINTS = {
    f"{side}_{part}": LEG[side][part]
    for part in ("shoulder", "hip", "knee", "ankle", "heel", "toe")
    for side in SIDES
}

LOWER_BODY = tuple(LEG[s][p] for s in SIDES for p in ("hip", "knee", "ankle", "heel", "toe"))

# Skeleton drawn on the annotated video (pairs of indices).
CONNECTIONS = (
    (11, 12), (11, 23), (12, 24), (23, 24),
    (11, 13), (13, 15), (12, 14), (14, 16),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
)
