"""Crafted clips that would hold an analysis slot or the server's memory are refused before decoding (issue 22 #1).

Each clip is made here with PyAV; the expected refusals follow from the clip as made (its frame rate, frame count,
frame size), not from the code. Timing and memory are measured in a fresh process (its peak, VmHWM)."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from conftest import REPO, clip
from screening.core.errors import VideoError
from screening.core.vocab import VIDEO_EXTS
from screening.engine import clip_limits
from screening.engine.video import decode, probe

PROBE = """
import json, sys, time
from screening.engine.video import probe
t = time.monotonic()
try:
    probe(sys.argv[1]); code = "accepted"
except Exception as e:
    code = getattr(e, "code", type(e).__name__)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "s": time.monotonic() - t, "mb": hwm / 1024}))   # ru_maxrss survives exec: not it
"""


def _probe_in_a_fresh_process(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _one_frame_h264(width: int, height: int) -> bytes:
    """One H.264 key frame (all grey) of this size, as the encoder wrote it."""
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt, enc.time_base = width, height, "yuv420p", Fraction(1, 1000)
    enc.options = {"preset": "ultrafast", "crf": "51"}
    frame = av.VideoFrame.from_ndarray(np.full((height * 3 // 2, width), 128, np.uint8), format="yuv420p")
    packets = list(enc.encode(frame)) + list(enc.encode(None))
    return enc, bytes(packets[0])


def h264_clip(path: Path, width: int, height: int, fps: int, n: int) -> Path:
    """n copies of one key frame at `fps` (a valid stream: every frame decodes on its own), muxed without
    encoding them again, so a clip of thousands of frames is made in a fraction of a second."""
    enc, data = _one_frame_h264(width, height)
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        s.codec_context.extradata = enc.extradata
        s.time_base = Fraction(1, fps)
        for i in range(n):
            pkt = av.Packet(data)
            pkt.stream, pkt.pts, pkt.dts, pkt.time_base, pkt.is_keyframe = s, i, i, Fraction(1, fps), True
            c.mux(pkt)
    return path


def png_mov(path: Path, width: int, height: int, header: tuple[int, int] | None = None) -> Path:
    """A MOV of two PNG frames of width x height (1-bit grey, all black: a few kB); the track header says
    `header` (a lie, when given) instead of the real size."""
    co = zlib.compressobj(9)
    idat = b"".join(co.compress(b"\0" * (1 + (width + 7) // 8)) for _ in range(height)) + co.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
           + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    with av.open(str(path), "w", format="mov") as c:
        s = c.add_stream("png", rate=30)
        s.width, s.height = header or (width, height)
        s.pix_fmt = "monob"
        for i in range(2):
            pkt = av.Packet(png)
            pkt.stream, pkt.pts, pkt.dts, pkt.time_base, pkt.is_keyframe = s, i, i, Fraction(1, 30), True
            c.mux(pkt)
    return path


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("crafted")
    return {"1000 fps": h264_clip(d / "fast.mp4", 16, 16, 1000, 3000),            # 3 s at 1000 fps
            "12,000 frames": h264_clip(d / "many.mp4", 16, 16, 120, 12_000),      # 100 s at 120 fps
            "3000x3000 H.264": h264_clip(d / "big.mp4", 3000, 3000, 30, 2),      # 9.0 MP > 4K's 8.8
            "8192x16 H.264": h264_clip(d / "wide.mp4", 8192, 16, 30, 2),         # a side past 4096
            "16000x16000 PNG": png_mov(d / "png.mov", 16000, 16000),
            "16000x16000 PNG, header says 16x16": png_mov(d / "lie.mov", 16000, 16000, header=(16, 16))}


@pytest.mark.parametrize("name,code", [("1000 fps", "too_fast"), ("12,000 frames", "too_many_frames"),
                                       ("3000x3000 H.264", "too_big"), ("8192x16 H.264", "too_big"),
                                       ("16000x16000 PNG", "undecodable"),
                                       ("16000x16000 PNG, header says 16x16", "undecodable")])
def test_a_crafted_clip_is_refused_in_a_second_with_little_memory(crafted, name, code):
    got = _probe_in_a_fresh_process(crafted[name])
    assert got["code"] == code, got
    assert got["s"] < 2.0, got                 # before: accepted; the 16000x16000 PNG's probe alone took 12 s
    assert got["mb"] < 250, got                # importing PyAV, OpenCV and numpy is about 95 MB


def test_a_decode_past_the_work_budget_is_stopped(crafted, tmp_path, monkeypatch):
    """A clip that gives more decoded frames or pixels than its budget (e.g. a stream that grows after the
    probe) is stopped while decoding, with a sentence."""
    info = probe(h264_clip(tmp_path / "ok.mp4", 64, 64, 30, 40))
    assert sum(1 for _ in decode(info)) == 40
    monkeypatch.setattr(clip_limits, "WORK_BUDGET", 64 * 64 * 30)      # 30 frames' worth of pixels
    with pytest.raises(VideoError) as e:
        for _ in decode(info):
            pass
    assert e.value.code == "over_budget" and "was stopped" in str(e.value)


def test_the_limits_are_a_4k_60fps_three_minute_phone_clip():
    assert clip_limits.MAX_PIXELS >= 3840 * 2160 and clip_limits.MAX_SIDE_PX >= 3840
    assert clip_limits.MAX_FRAMES >= 60 * 180 and clip_limits.MAX_FPS >= 240
    assert clip_limits.WORK_BUDGET >= 3840 * 2160 * 60 * 180


@pytest.mark.clips
def test_every_real_phone_clip_is_still_accepted():
    folder = clip("MANIFEST.md").parent                  # skips when ../shared/videos is absent
    clips = sorted(p for p in folder.glob("*") if p.suffix.lower() in VIDEO_EXTS)
    refused = {}
    for path in clips:
        try:
            probe(path)
        except VideoError as e:
            refused[path.name] = e.code
    limits = {"too_big", "too_fast", "too_many_frames", "over_budget", "undecodable"}
    assert not {n: c for n, c in refused.items() if c in limits}, refused
    assert any(p.suffix == ".mov" for p in clips)          # the iPhone 1080x1920 clips are among them
