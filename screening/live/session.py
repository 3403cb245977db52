"""Live camera session: pose on the newest frame, framing coach, mirror and a recording with real time stamps."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from screening.outputs.annotate import H264Writer
from screening.engine.events import MIN_REP_DEPTH
from screening.live.clamshell import CUE_TEXT, OpeningCounter, Top, coach_lying, draw_clamshell, lying_values, top_line
from screening.live.clock import Clock, rate
from screening.live.framing import Advice, coach
from screening.core.landmarks import N_LANDMARKS
from screening.core.specs import SPECS
from screening.core.vocab import signed
from screening.live.legs import LegCounter
from screening.live.mirror import Bottom, RepCounter, draw_legs, live_values
from screening.engine.pose import PoseEstimator
from screening.core.track import Track
from screening.engine.video import work_size

LIVE_SIDE = 640             # long side of the frames the live pose model sees (640x360 from a laptop)
COACH_S = 0.5               # the framing coach votes over the last half second
WINDOW_S = 8.0              # the mirror's rolling window: its most upright frames are the standing pose
WARMUP_S = 2.0              # reps count once the window holds this much (a standing moment to refer to)
READY_HOLD_S = 1.0          # auto start once 'ready' has held this long
TAIL_S = 0.8                # keep filming this long after the last repetition (standing frames at the end)
PEOPLE_EVERY_S = 1.0        # how often the people count (a 3-pose still-image pass, ~25 ms) runs
CUE_S = 0.6                 # how long the red frame stays after a knee moved inside the foot line
# Below this many pose-model frames a second the live counter misses repetitions (a 1 s squat would have
# fewer than 8 measured frames: KneeScreen's limit), so "stop after N repetitions" gives way to the seconds
# limit and the page says so; the analysis counts the repetitions again from every recorded frame.
MIN_COUNT_FPS = 8.0
STATES = ("idle", "armed", "recording", "done")


@dataclass
class Plan:
    """What to record: stop after `reps` repetitions (squats; 0 = by time only) or `max_s` seconds."""
    reps: int = 3
    max_s: float = 20.0
    auto: bool = True        # start as soon as the coach says ready (else by button)


@dataclass
class Status:
    advice: Advice
    state: str = "idle"
    fps: float = 0.0         # frames the pose model measured per second of camera time, last 2 s (0: not known yet)
    in_fps: float = 0.0      # frames the camera filmed per second, from their time stamps (0: not known yet)
    dropped: int = 0         # frames shown without processing (drawn on the newest one instead)
    rec_s: float = 0.0
    rec_frames: int = 0
    reps: int = 0
    rec_reps: int = 0        # whole repetitions inside the current recording
    bottoms: list[Bottom | Top] = field(default_factory=list)   # squats: bottoms; the clamshell: tops
    cues: int = 0            # knee-inside cues so far (the page beeps when it grows)
    clip: Path | None = None
    counting: bool = True    # the pose model keeps up well enough to count repetitions (MIN_COUNT_FPS)
    per_leg: dict[str, int] = field(default_factory=dict)   # single-leg squats on either leg: reps per leg


class LiveSession:
    """Fed batches of camera frames (BGR, seconds) by the WebRTC worker thread; read by the page."""

    def __init__(self, model: bytes, workdir: Path | str, *, test: str = "squat", sex: str | None = None,
                 stance: str | None = None, mirror: bool = False, plan: Plan | None = None):
        self.test, self.stance, self.mirror = test, stance, mirror
        self.spec = SPECS[test]
        self.workdir, self.plan = Path(workdir), plan or Plan()
        self.pose = PoseEstimator(model)
        self.people_model = PoseEstimator(model, num_poses=3, video=False)
        legs = (stance,) if stance else ("left", "right")
        self.lying = self.spec.posture == "side-lying"
        self.either = self.spec.stance_found and not stance      # count each leg's own repetitions
        self.counter: RepCounter | OpeningCounter = OpeningCounter(sex) if self.lying else \
            LegCounter(test, sex) if self.either else RepCounter(test, sex, legs)
        self.lock = threading.Lock()
        self.busy = threading.Lock()         # held by the worker thread while it processes a batch
        self.clock = Clock()                 # one per session: a page rerun must not restart the time stamps
        self.started = time.monotonic()      # for frames without a time stamp
        self.status = Status(Advice("no_person"), state="armed" if self.plan.auto else "idle")
        self.t: deque[float] = deque()
        self.xy: deque[np.ndarray] = deque()
        self.vis: deque[np.ndarray] = deque()
        self.done_at: deque = deque()
        self.arrived: deque = deque()
        self.first_t: float | None = None    # the first frame's time (the rates are known 1 s after it)
        self.people: int | None = None
        self.people_at = -1e9
        self.ready_since: float | None = None
        self.rec: H264Writer | None = None
        self.rec_t0 = 0.0                    # the recording's first frame time (set with self.rec)
        self.rec_size: tuple[int, int] | None = None
        self.rec_from = 0.0
        self.last_rep_t: float | None = None
        self.cue_until = -1e9
        self._start_pending = False
        self.warm = self.upright = False
        self.side = 0                        # the frames' long side, set by the first one (_small)
        self.closed = False                  # close() was called: frames pass through untouched

    # --- commands from the page (any thread) -------------------------------------------------------
    def arm(self, plan: Plan | None = None) -> None:
        with self.lock:
            if self.status.state in ("idle", "done"):
                self.plan = plan or self.plan
                self.status.state, self.status.clip = "armed", None

    def start_now(self) -> None:
        with self.lock:
            if self.status.state in ("idle", "armed"):
                self.status.state, self._start_pending = "armed", True

    def stop(self) -> None:
        with self.lock:
            if self.status.state == "recording":
                self._finish()
            elif self.status.state == "armed":
                self.status.state = "idle"

    def snapshot(self) -> Status:
        with self.lock:
            return replace(self.status, bottoms=list(self.status.bottoms), per_leg=dict(self.status.per_leg))

    # --- the worker thread --------------------------------------------------------------------------
    def process(self, frames: list[tuple[np.ndarray, float]]) -> np.ndarray:
        """Record every frame of the batch, run the pose model on the newest one, return it annotated."""
        with self.busy:          # close() waits for it: a pose model closed while it runs crashes the server
            return frames[-1][0] if self.closed else self._process(frames)

    def _process(self, frames: list[tuple[np.ndarray, float]]) -> np.ndarray:
        now = time.monotonic()
        small = [(self._small(bgr), t) for bgr, t in frames]
        with self.lock:
            self.arrived.extend(t for _, t in frames)     # when filmed: a batch arrives at once
            self.first_t = frames[0][1] if self.first_t is None else self.first_t
            self.status.dropped += len(frames) - 1
            if self.status.state == "recording":
                for img, t in small:
                    self._record(img, t)
        img, t = small[-1]
        rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        det = self.pose.detect(rgb, t)
        if now - self.people_at >= PEOPLE_EVERY_S:
            self.people, self.people_at = len(self.people_model.detect_all(rgb)), now
        xy, vis = det if det is not None else (np.full((N_LANDMARKS, 2), np.nan), np.zeros(N_LANDMARKS))
        self._push(t, xy, vis)
        h, w = img.shape[:2]
        if isinstance(self.counter, OpeningCounter):      # the clamshell: its coach, measures, counter, drawing
            advice = coach_lying(self._window(COACH_S, w, h), float(rgb[::8, ::8].mean()), self.people)
            lying = lying_values(self._window(WINDOW_S, w, h))
            self.warm = self.t[-1] - self.t[0] >= WARMUP_S
            self.upright = not self.counter.in_rep
            top = self.counter.update(t, lying) if self.warm else None
            out = img.copy()
            rolled = draw_clamshell(out, xy, lying, self.counter)
            with self.lock:
                self._step(now, t, advice, top, rolled)
                self._draw_status(out, now)
            return out
        advice = coach(self._window(COACH_S, w, h), float(rgb[::8, ::8].mean()), self.people)
        values = live_values(self._window(WINDOW_S, w, h), self.stance, self.either) if self.spec.live_feedback \
            else {}
        self.warm = self.t[-1] - self.t[0] >= WARMUP_S
        self.upright = bool(values) and values["depth"] < MIN_REP_DEPTH      # False for NaN
        bottom = self.counter.update(t, values, xy) if values and self.warm else None
        out = img.copy()
        inside = draw_legs(out, xy, values, self.counter) if values else False
        with self.lock:
            self._step(now, t, advice, bottom, inside)
            self._draw_status(out, now)
        return out

    def _small(self, bgr: np.ndarray) -> np.ndarray:
        """The frame at the session's working size (the first frame's long side, at most LIVE_SIDE), scaled up too: a
        busy browser lowers the camera's resolution (640x360, 480x270, 320x180); the picture keeps one scale."""
        h, w = bgr.shape[:2]
        self.side = self.side or min(LIVE_SIDE, max(w, h))
        ww, wh = work_size(w, h, self.side, upscale=True)
        how = cv2.INTER_AREA if ww < w else cv2.INTER_LINEAR
        return bgr if (ww, wh) == (w, h) else cv2.resize(bgr, (ww, wh), interpolation=how)

    def _push(self, t: float, xy: np.ndarray, vis: np.ndarray) -> None:
        if self.t and t <= self.t[-1]:
            t = self.t[-1] + 1e-3
        self.t.append(t)
        self.xy.append(xy)
        self.vis.append(vis)
        while self.t and self.t[0] < t - WINDOW_S:
            self.t.popleft(), self.xy.popleft(), self.vis.popleft()

    def _window(self, seconds: float, w: int, h: int) -> Track:
        t = np.array(self.t)
        keep = t >= t[-1] - seconds
        return Track(t[keep] - t[keep][0], np.array(self.xy)[keep], np.array(self.vis)[keep], w, h)

    def _step(self, now: float, t: float, advice: Advice, bottom: Bottom | Top | None, inside: bool) -> None:
        s = self.status
        s.advice = advice
        self.done_at.append(t)         # both rates per second of camera time: frames measured, frames filmed
        first = self.first_t if self.first_t is not None else t
        s.fps, s.in_fps = rate(self.done_at, t, first), rate(self.arrived, self.arrived[-1], first)
        if s.fps:      # too slow once during a recording: its live count is not to be trusted
            keeps_up = s.fps >= MIN_COUNT_FPS
            s.counting = (s.counting and keeps_up) if s.state == "recording" else keeps_up
        if bottom is not None:
            s.bottoms.append(bottom)
            s.reps = self.counter.count
            s.per_leg = self.counter.per_leg if isinstance(self.counter, LegCounter) else {}
            s.rec_reps = self.counter.count_since(self.rec_from) if s.state == "recording" else s.rec_reps
            self.last_rep_t = t
        if inside and self.mirror:
            if now >= self.cue_until:
                s.cues += 1
            self.cue_until = now + CUE_S
        self.ready_since = (self.ready_since or now) if advice.ready else None
        if s.state == "armed":
            ready = self.ready_since is not None and now - self.ready_since >= READY_HOLD_S
            standing = not self.spec.live_feedback or (self.warm and self.upright and not self.counter.in_rep)
            if self._start_pending or (self.plan.auto and ready and standing):
                self._start_pending = False
                self._begin(t)
        elif s.state == "recording":
            done_reps = self.counter.count_since(self.rec_from)
            by_reps = (self.plan.reps > 0 and self.spec.live_feedback and s.counting and done_reps >= self.plan.reps
                       and self.last_rep_t is not None and t - self.last_rep_t >= TAIL_S)
            if by_reps or s.rec_s >= self.plan.max_s:
                self._finish()

    def _begin(self, t: float) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.status.clip = self.workdir / "live-recording.mp4"
        self.status.state, self.status.rec_s, self.status.rec_frames = "recording", 0.0, 0
        self.status.rec_reps = 0
        self.rec, self.rec_t0, self.rec_size = None, 0.0, None
        self.rec_from = t

    def _record(self, img: np.ndarray, t: float) -> None:
        h, w = img.shape[:2]
        if self.rec is None:
            assert self.status.clip is not None      # set by _begin
            self.rec = H264Writer(self.status.clip, w, h, 30.0)
            self.rec_t0, self.rec_size = t, (w, h)
        self.status.rec_s = t - self.rec_t0  # the recording's clock runs on even over frames left out
        if (w, h) != self.rec_size:          # the camera changed shape (phone turned): skip the frame
            return
        self.rec.write(img, t - self.rec_t0)
        self.status.rec_frames += 1

    def _finish(self) -> None:
        if self.rec is not None:
            self.rec.close()
            self.rec = None
        self.status.state = "done" if self.status.rec_frames else "idle"

    def _draw_status(self, img: np.ndarray, now: float) -> None:
        h, w = img.shape[:2]
        s, scale = self.status, max(0.5, h / 520)
        bar = int(36 * scale)
        cv2.rectangle(img, (0, 0), (w, bar), (0, 110, 40) if s.advice.ready else (0, 0, 0), -1)
        cv2.putText(img, s.advice.text.upper(), (10, int(bar * 0.72)), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8,
                    (255, 255, 255), 2, cv2.LINE_AA)
        lines = []
        if s.state == "recording":
            cv2.circle(img, (w - int(18 * scale), bar // 2), int(8 * scale), (40, 40, 230), -1)
            lines.append(f"REC {s.rec_s:4.1f} s")
        if self.spec.live_feedback and (self.mirror or s.state == "recording"):
            lines.append(f"Reps {s.rec_reps if s.state == 'recording' else s.reps}"
                         + (f" (L {s.per_leg.get('left', 0)}, R {s.per_leg.get('right', 0)})" if s.per_leg else "")
                         + ("" if s.counting else " (too few frames measured to count)"))
        if self.mirror and s.bottoms and isinstance(s.bottoms[-1], Top):
            lines.append(top_line(s.bottoms[-1]))
        elif self.mirror and s.bottoms and isinstance(s.bottoms[-1], Bottom):
            b = s.bottoms[-1]
            lines.append(f"Rep {b.index} bottom: " + "  ".join(
                f"{sd[0].upper()} {signed(b.fppa[sd])} deg" if b.fppa.get(sd) is not None else f"{sd[0].upper()} --"
                for sd in self.counter.legs))
        for i, text in enumerate(reversed(lines)):
            y = h - 12 - int(i * 26 * scale)
            cv2.putText(img, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.6, (0, 0, 0), 4, cv2.LINE_AA)
            cv2.putText(img, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.6, (255, 255, 255), 1, cv2.LINE_AA)
        if now < self.cue_until:
            cv2.rectangle(img, (0, 0), (w - 1, h - 1), (40, 40, 220), max(4, int(8 * scale)))
            cv2.putText(img, CUE_TEXT if self.lying else "KNEE INSIDE THE FOOT", (10, bar + int(30 * scale)),
                        cv2.FONT_HERSHEY_SIMPLEX,
                        scale * 0.7, (40, 40, 220), 2, cv2.LINE_AA)

    def close(self) -> None:
        with self.busy, self.lock:
            self.closed = True
            if self.rec is not None:
                self._finish()
        self.pose.close()
        self.people_model.close()
