"""Command line: `python -m screening analyze VIDEO --test ... --out DIR` (and the benchmark entry)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from screening.batch import list_videos, run_batch
from screening.cluster import address
from screening.core.errors import AnalysisError, Cancelled
from screening.core.vocab import BAND_WORDS, count, format_rating
from screening.engine.models import TIERS
from screening.engine.pose import load_model
from screening.engine.sides import NO_CUTOFF, sides
from screening.outputs.formatting import verdict_words
from screening.outputs.group import group_pdf
from screening.pipeline import AnalysisOptions, run_analysis
from screening.core.result import TEST_LABELS, TESTS, Result
from screening.core.specs import SPECS


LEG_HELP = ("single-leg squat, optional: the leg you meant to test. The standing leg of every repetition is found "
            "from the video (a clip may hold both legs); a named leg that never stood is said, not rated. The "
            "clamshell finds its top leg")


class _Bar:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, stream=None):
        stream = stream or sys.stderr
        self.s, self.tty, self.last, self.stage = stream, stream.isatty(), 0.0, None

    def __call__(self, stage: str, fraction: float, message: str) -> None:
        now = time.monotonic()
        if stage == self.stage and (now - self.last < (0.1 if self.tty else 2.0) or fraction >= 1.0) \
                and stage != "done":
            return
        self.last, self.stage = now, stage
        bar = "#" * int(fraction * 30)
        line = f"[{bar:<30}] {fraction:4.0%} {message}"
        if self.tty:
            self.s.write("\r" + line[:100].ljust(100) + ("\n" if stage == "done" else ""))
        else:
            self.s.write(line + "\n")
        self.s.flush()


def summary(result: Result) -> str:
    """A short human summary: per leg band and headline, then reservations and the disclaimer."""
    spec = SPECS.get(result.test)
    lines = [f"KneeScreen - {TEST_LABELS.get(result.test, result.test)}"
             + (f" ({spec.leg_role if spec else 'leg'}: {result.leg})" if result.leg else ""),
             f"Clip: {result.video.file_name}, {result.video.duration_s:.1f} s at {result.video.fps:.0f} fps; "
             f"model: {result.model.tier}; {count(len(result.events), result.event_noun)} found",
             f"Norms: {result.norms_used}" if result.norms_used else ""]
    both = sides(result)
    for leg, s in result.legs.items():
        lines.append(f"  {leg.upper():5} [{BAND_WORDS[s.band]}] {s.headline}")
        if s.lead is not None:
            lines.append(f"        Key measure: {s.lead.label}: {s.lead.value}. {s.lead.why}")
        if leg in both.worst:
            lines.append(f"        {both.worst[leg].short}")
        for r in s.ratings:
            if r.value is None or (s.lead is not None and r.key == s.lead.key):
                continue
            flag = " (experimental)" if r.experimental else ""
            shown = format_rating(r)
            why = f": {r.reliability_reason}" if shown == "n/a" else ""
            lines.append(f"        {r.label}{flag}: {shown} -> {BAND_WORDS[r.band]}"
                         f" (reliability {r.reliability}{why})")
    if both.differences:
        lines.append("  LEFT AND RIGHT")
        lines += [f"        {d.sentence}" for d in both.differences]
        lines.append(f"        {NO_CUTOFF}")
    for n in result.notes:
        if n.level != "info":
            lines.append(f"  NOTE: {n.message}" + (f" Fix: {n.fix}" if n.fix else ""))
    lines.append(result.disclaimer)
    return "\n".join(x for x in lines if x)


def cmd_analyze(args) -> int:
    say = (lambda *a: None) if args.quiet else _Bar()
    try:
        options = AnalysisOptions(args.test, leg=args.leg, sex=args.sex, sport=args.sport, out_dir=args.out,
                                  video=not args.no_video, stills=not args.no_video)
        say("model", 0.0, f"Loading the {args.model} pose model")
        model = load_model(args.model, allow_fallback=not args.no_fallback, progress=lambda done, total: say(
            "model", (done / total) if total else 0.0, f"Downloading the {args.model} model: {done / 1e6:.1f} MB"))
        a = run_analysis(args.video, model, options, progress=say)
    except AnalysisError as e:
        print(f"\nkneescreen: {e}" + (f"\nWhat to do: {e.fix}" if e.fix else ""), file=sys.stderr)
        return 2
    except Cancelled:
        print("kneescreen: cancelled", file=sys.stderr)
        return 130
    print(summary(a.result))
    outs = [a.json_path, a.csv_path] + ([a.video_path] if a.video_path else []) + [p for _, p in a.keyframes]
    print("Wrote: " + ", ".join(str(p) for p in outs))
    nothing_asked = not a.result.events or any(n.code == "leg_not_tested" for n in a.result.notes)
    return 3 if nothing_asked else 0


def cmd_batch(args) -> int:
    if not args.folder.is_dir():
        print(f"kneescreen: {args.folder} is not a folder", file=sys.stderr)
        return 2
    videos = list_videos(args.folder)
    if not videos:
        print(f"kneescreen: no videos (mp4, mov, webm, avi, m4v) in {args.folder}", file=sys.stderr)
        return 2
    runner = None
    if args.scheduler is not None:
        try:
            where = address.check(args.scheduler, allow_insecure=args.insecure_tcp or address.insecure_allowed())
            # start-up: distributed (1-3 s to import) is loaded only for a batch on a cluster
            from screening.cluster.batch import ClusterRunner, quiet_tracebacks
            quiet_tracebacks()          # the batch says what went wrong itself
            runner = ClusterRunner(where, say=lambda text: print(text, flush=True))
            runner.connect()            # bad TLS settings or no scheduler: said before anything is written
        except AnalysisError as e:
            print(f"kneescreen: {e}\nWhat to do: {e.fix}", file=sys.stderr)
            return 2
    where_to = f" on the Dask cluster at {runner.address}" if runner else ""
    print(f"Analysing {len(videos)} clip(s) from {args.folder} into {args.out}{where_to}", flush=True)

    def report(done: int, total: int, item) -> None:
        if item.status == "ok":
            legs = ", ".join(f"{leg} {verdict_words(s)}" for leg, s in item.result.legs.items())
            line = f"ok      {item.name}: {legs}"
        else:
            line = f"FAILED  {item.name}: {item.message}" + (f" What to do: {item.fix}" if item.fix else "")
        print(f"[{done}/{total}] {line} ({item.seconds:.1f} s)", flush=True)

    try:
        items = run_batch(videos, args.out, test=args.test, leg=args.leg, sex=args.sex, sport=args.sport,
                          model=args.model, processes=args.processes, progress=report,
                          make_video=not args.no_video, workers=args.workers, runner=runner)
    except AnalysisError as e:
        print(f"kneescreen: {e}" + (f"\nWhat to do: {e.fix}" if e.fix else ""), file=sys.stderr)
        return 2
    ok = sum(it.status == "ok" for it in items)
    pdf = group_pdf(items, args.out / "group.pdf")
    print(f"Done: {ok} of {len(items)} clip(s) analysed, {len(items) - ok} failed.")
    print("Wrote: " + ", ".join(str(p) for p in [args.out / "batch.csv"] + ([pdf] if pdf else [])))
    lost = sum(it.code == "cluster_gone" for it in items)
    if lost:
        print(f"kneescreen: the Dask scheduler stopped answering; {lost} clip(s) were not analysed (the "
              f"{ok} finished are kept in {args.out}).\nWhat to do: check the scheduler, then run the batch "
              "again for the clips marked failed in batch.csv.", file=sys.stderr)
        return 4
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m screening",
                                description="KneeScreen: knee-valgus and arch-collapse screening from a video, and the "
                                            "clamshell's pelvis roll-back (experimental).")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse one clip")
    a.add_argument("video", type=Path)
    a.add_argument("--test", required=True, choices=TESTS)
    a.add_argument("--leg", choices=("left", "right"), help=LEG_HELP)
    a.add_argument("--sex", choices=("female", "male"), help="selects sex-specific norms where published")
    a.add_argument("--sport", help="sport, to tailor the advice")
    a.add_argument("--model", default="lite", choices=TIERS)
    a.add_argument("--no-fallback", action="store_true", help="fail instead of falling back to lite")
    a.add_argument("--no-video", action="store_true", help="skip the annotated video and stills")
    a.add_argument("--out", required=True, type=Path, help="output folder")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--verbose", action="store_true", help="keep MediaPipe's own log lines")
    a.set_defaults(func=cmd_analyze)
    b = sub.add_parser("batch", help="analyse every clip in a folder (workshop mode), using all cores")
    b.add_argument("folder", type=Path, help="folder of clips (mp4, mov, webm, avi, m4v); names = participants")
    b.add_argument("--test", required=True, choices=TESTS)
    b.add_argument("--leg", choices=("left", "right"), help=LEG_HELP)
    b.add_argument("--sex", choices=("female", "male"), help="selects sex-specific norms where published")
    b.add_argument("--sport", help="sport, to tailor the advice")
    b.add_argument("--model", default="lite", choices=TIERS)
    b.add_argument("--processes", type=int, default=None, help="clips at once (default: all cores)")
    b.add_argument("--workers", type=int, default=1,
                   help="pose threads per clip (default 1; results do not depend on it)")
    b.add_argument("--no-video", action="store_true", help="skip the annotated videos and stills")
    b.add_argument("--out", required=True, type=Path, help="output folder (one subfolder per clip)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the clips on a Dask cluster: tls://HOST:PORT (certificates from Dask's TLS settings), "
                        "or tcp://127.0.0.1:PORT on this machine (README, 'Scaling out')")
    b.add_argument("--insecure-tcp", action="store_true",
                   help="allow a plain tcp:// scheduler on another machine (unencrypted, unauthenticated)")
    b.add_argument("--verbose", action="store_true", help="keep MediaPipe's own log lines")
    b.set_defaults(func=cmd_batch)
    return p


def _quiet_native_logs():
    """MediaPipe's C++ core logs straight to file descriptor 2. Keep our own messages on a copy of
    stderr and send fd 2 to /dev/null, so the terminal shows progress and results only."""
    try:
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        sys.stderr = os.fdopen(saved, "w", buffering=1)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not getattr(args, "verbose", False):
        _quiet_native_logs()
    return args.func(args)
