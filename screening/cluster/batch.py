"""A batch on a Dask cluster (run_batch's `runner`): clips sent as bytes, results written as the local batch does."""
from __future__ import annotations

import logging
import re
import shutil
import threading
from pathlib import Path
from typing import Callable

from distributed import Future, KilledWorker
from distributed.client import FutureCancelledError

from screening.batch import BatchItem, _partial
from screening.cluster import client as cluster
from screening.pipeline import AnalysisOptions

_OUTPUT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")      # result.json, frames.csv, keyframe_rep1.png, ...
NO_WORKERS = "Waiting for a worker: the scheduler has none yet (start one with `dask worker {address} --nthreads 1`)."


class _NoTraceback(logging.Filter):
    """Keep a library's log line, drop its traceback: for a person at a terminal, the batch says itself what
    went wrong (a scheduler that dies mid-connection made Dask's client log 'IOStream is not idle' with one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def quiet_tracebacks() -> None:
    """Log lines of Dask, Tornado and asyncio without tracebacks, at warnings and above (the CLI's batch)."""
    plain = _NoTraceback()
    handler = logging.StreamHandler()
    handler.addFilter(plain)
    handler.setLevel(logging.WARNING)
    for name in ("distributed", "tornado", "asyncio"):
        log = logging.getLogger(name)
        for h in log.handlers:
            h.addFilter(plain)
        if not log.handlers:
            log.addHandler(handler)
            log.propagate = False


def write_outputs(folder: Path, files: dict) -> None:
    """A clip's outputs from the worker into its (partial) folder: plain file names only, nothing else."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        if not isinstance(name, str) or not _OUTPUT.fullmatch(name) or not isinstance(data, bytes):
            raise ValueError("the worker sent an output with a file name that is not allowed")
        (folder / name).write_bytes(data)


class ClusterRunner:
    """run_batch(runner=ClusterRunner(address)): each clip becomes one task on the cluster, at most twice the
    workers' threads at a time (so the scheduler holds only those clips' bytes). A worker that dies mid-clip
    is Dask's to handle: the scheduler runs the clip again on another worker (and gives up, KilledWorker,
    after a few deaths on the same clip: 'crashed'). Each result comes back once, so no clip is written twice."""

    def __init__(self, address: str, say: Callable[[str], None] | None = None):
        self.address, self.say = address, say or (lambda text: None)

    def connect(self) -> None:
        """Connect now (AnalysisError: bad TLS settings, or the scheduler cannot be reached), before any file
        is written; run_batch connects anyway."""
        cluster.connect(self.address)

    def __call__(self, batch: list[BatchItem], options: tuple[str, AnalysisOptions], finish,
                 stop: Callable[[], bool]) -> list[tuple[BatchItem, str]]:
        client = cluster.connect(self.address)
        todo, running = list(batch), dict[Future, BatchItem]()
        ready = threading.Event()
        told = False
        try:
            while todo or running:
                if stop():
                    return [(it, "cancelled") for it in list(running.values()) + todo]
                try:
                    threads = sum(client.nthreads().values())
                except (OSError, TimeoutError):
                    return [(it, "gone") for it in list(running.values()) + todo]
                if not threads and not told:
                    told = True
                    self.say(NO_WORKERS.format(address=self.address))
                while todo and len(running) < max(2, 2 * threads):
                    item = todo.pop(0)
                    try:
                        data = item.video.read_bytes()
                    except OSError as e:
                        finish(item, {"status": "failed", "code": "unreadable",
                                      "message": f"'{item.video.name}' could not be read ({e.strerror})."})
                        continue
                    try:
                        fut = cluster.submit(client, item.video.name, data, options, keep_files=True)
                    except Exception:  # noqa: BLE001 - a closed client cannot send it: the cluster is gone
                        if client.status == "running":
                            raise
                        return [(it, "gone") for it in [item] + list(running.values()) + todo]
                    fut.add_done_callback(lambda _: ready.set())
                    running[fut] = item
                ready.wait(0.5)
                ready.clear()
                for fut in [f for f in running if f.done()]:
                    item = running.pop(fut)
                    gone = self._collect(fut, item, finish)
                    if gone:
                        return [(it, "gone") for it in [item] + list(running.values()) + todo]
            return []
        finally:
            for fut in running:
                try:
                    fut.cancel()
                    fut.release()
                except Exception:  # noqa: BLE001 - the client may be closed already: nothing left to free
                    pass

    def _collect(self, fut: Future, item: BatchItem, finish) -> bool:
        """Write a finished clip's files and finish it; True when the future says the scheduler is gone."""
        try:
            outcome = fut.result()
        except FutureCancelledError:
            return True
        except KilledWorker:
            outcome = {"status": "failed", "code": "crashed", "message": cluster.CRASHED}
        except (OSError, TimeoutError):
            return True
        except Exception as e:  # noqa: BLE001 - e.g. a result that could not be sent back
            outcome = {"status": "failed", "message": f"Unexpected error: {type(e).__name__}: {e}", "code": "internal"}
        finally:
            fut.release()
        files = outcome.pop("files", None)
        if outcome.get("status") == "ok" and files is not None:
            try:
                write_outputs(_partial(item), files)
            except (OSError, ValueError) as e:
                shutil.rmtree(_partial(item), ignore_errors=True)
                outcome = {"status": "failed", "message": f"The results could not be written ({e}).",
                           "code": "internal"}
        finish(item, outcome)
        return False
