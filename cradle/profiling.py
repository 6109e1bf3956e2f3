"""`make profile`: py-spy flame graphs of the Rasa server and the action server while a loop
sends one kind of turn many times (a greeting, a topic question, a service search, a crisis),
saved as docs/profile-<kind>-<process>.svg, with a summary of where the samples went.

The stack is the real one (`cradle serve`'s three processes, SQLite tracker store). Each
sender sends five turns, like a bench conversation, so one turn in five also starts a session.
py-spy samples from outside the process, 100 times a second, with `--gil`: only the thread
holding the GIL, which is the Python work that limits one server process (without it, py-spy
counted the idle thread-pool workers here as busy). Time spent in C with the GIL released
(SQLite's own work, waiting for the disk or the network) is not in the graphs. py-spy slows
the turns a little, so the times printed here are not benchmark figures (`make bench` is).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cradle.catalogue.build import build_catalogue
from cradle.flamegraph import format_summary, summarise_file
from cradle.launcher import BIN, DEFAULT_MODEL, PROJECT_ROOT, Stack, StackConfig
from cradle.paths import content_dir


@dataclass(frozen=True)
class TurnKind:
    name: str
    text: str
    path: str  # what the turn exercises, for the printed summary

    def check(self, contract: dict) -> bool:
        """The reply shows the turn took the path being profiled."""
        if self.name == "greeting":
            return contract.get("topic") is None and contract.get("safety") == "none"
        if self.name == "topic":
            return contract.get("topic") == "low-mood" and not contract.get("services")
        if self.name == "services":
            return bool(contract.get("services"))
        return contract.get("safety") in ("urgent", "emergency")


KINDS = (
    TurnKind("greeting", "hello", "a plain response, no custom action"),
    TurnKind("topic", "i feel so low since the baby came", "action_answer_topic"),
    TurnKind("services", "any groups for dads in Rugby?", "action_find_services"),
    TurnKind("crisis", "I want to end my life", "the safety net's fixed crisis reply"),
)
PROCESSES = ("rasa", "actions")
TURNS_PER_SENDER = 5


def post(url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        data = json.load(reply)
    return data if isinstance(data, list) else []


def send_turns(url: str, kind: TurnKind, turns: int, concurrency: int, prefix: str) -> dict:
    """Send `turns` turns of one kind from `concurrency` clients; count the wrong replies."""
    latencies: list[float] = []
    wrong = 0
    lock = threading.Lock()

    def client(number: int) -> None:
        nonlocal wrong
        for sent in range(number, turns, concurrency):
            sender = f"{prefix}-{kind.name}-{number}-{sent // (concurrency * TURNS_PER_SENDER)}"
            started = time.perf_counter()
            try:
                messages = post(url, sender, kind.text)
                ok = bool(messages) and kind.check(messages[-1].get("custom") or {})
            except OSError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                wrong += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "turns": len(latencies),
        "wrong": wrong,
        "rate": len(latencies) / seconds if seconds else 0.0,
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
    }


class Recorder:
    """One `py-spy record --format flamegraph` attached to a running process."""

    def __init__(self, py_spy: Path, pid: int, out: Path, rate: int) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.log = Path(tempfile.gettempdir()) / f"cradle-{out.stem}-{pid}.py-spy.log"
        self.log.unlink(missing_ok=True)
        # py-spy reports on stdout; a file, not a pipe, so it can never block on a full pipe
        # while the process it samples is paused.
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                [
                    str(py_spy),
                    "record",
                    "--pid",
                    str(pid),
                    "--format",
                    "flamegraph",
                    "--rate",
                    str(rate),
                    "--output",
                    str(out),
                    "--gil",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while "Sampling process" not in self.report():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"py-spy could not attach to process {pid}: {self.report()}")
            time.sleep(0.1)

    def report(self) -> str:
        return self.log.read_text(errors="replace") if self.log.is_file() else ""

    def stop(self) -> str:
        """Stop sampling; py-spy writes the SVG when interrupted. Returns what it said."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)
        report = self.report()
        self.log.unlink(missing_ok=True)
        if "No stack counts found" in report:
            return "no samples"
        wrote = [line for line in report.splitlines() if "Wrote flamegraph" in line]
        return wrote[-1].removeprefix("py-spy> ") if wrote else report.strip()[-300:]


def no_samples_svg(process: str, kind: TurnKind, turns: int) -> str:
    """What to show instead of inferno's "ERROR: No valid input" when a process did nothing."""
    text = html.escape(
        f"No samples: the {process} process ran no Python code while {turns} {kind.name} "
        f"turns were sent ({kind.path})."
    )
    return (
        '<?xml version="1.0" standalone="no"?>'
        '<svg version="1.1" width="1200" height="60" viewBox="0 0 1200 60" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<text x="600" y="34" text-anchor="middle" font-family="monospace" font-size="14">'
        f"{text}</text></svg>\n"
    )


_TITLE = re.compile(r'(<text id="title"[^>]*>)([^<]*)(<)')


def retitle(svg: str, title: str) -> str:
    """The graph's title without py-spy's command line (this machine's paths and a pid)."""
    return _TITLE.sub(lambda m: f"{m.group(1)}{html.escape(title)}{m.group(3)}", svg, count=1)


def profile_kind(
    kind: TurnKind, url: str, pids: dict[str, int], py_spy: Path, args: argparse.Namespace
) -> None:
    """Warm up, then record both processes while the loop sends this kind of turn."""
    warm = send_turns(url, kind, 2 * args.concurrency, args.concurrency, "warm")
    if warm["wrong"]:
        raise RuntimeError(f"the {kind.name} turn did not take the expected path")
    recorders = {
        name: Recorder(py_spy, pids[name], args.out / f"profile-{kind.name}-{name}.svg", args.rate)
        for name in PROCESSES
    }
    result = send_turns(url, kind, args.turns, args.concurrency, "profile")
    stopped = {name: recorder.stop() for name, recorder in recorders.items()}
    print(
        f"\n{kind.name} ({kind.path}): {result['turns']} turns, "
        f"{result['wrong']} unexpected replies, {result['rate']:.1f} turns/s, "
        f"p50 {result['p50']:.1f} ms (under py-spy)"
    )
    for name, recorder in recorders.items():
        print(f"py-spy ({name}): {stopped[name]}")
        out = recorder.out
        if stopped[name] == "no samples":
            out.write_text(no_samples_svg(name, kind, result["turns"]), encoding="utf-8")
        else:
            heading = f"Cradle, {kind.name} turns: the {name} process (py-spy, {args.rate} Hz)"
            out.write_text(retitle(out.read_text(encoding="utf-8"), heading), encoding="utf-8")
        title = out.relative_to(PROJECT_ROOT) if out.is_relative_to(PROJECT_ROOT) else out
        print(format_summary(str(title), summarise_file(out)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=400, help="turns of each kind (400)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once (4)")
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples a second (100)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs")
    parser.add_argument("--kinds", default=",".join(k.name for k in KINDS))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    py_spy = BIN / "py-spy"
    if not py_spy.is_file():
        print("py-spy is not installed in .venv: run `make setup`", file=sys.stderr)
        return 1
    chosen = [kind for kind in KINDS if kind.name in args.kinds.split(",")]
    work = Path(tempfile.mkdtemp(prefix="cradle-profile-"))
    try:
        catalogue = work / "catalogue.db"
        build_catalogue(content_dir() / "services", catalogue)
        config = StackConfig.on_free_ports(
            model=args.model,
            var=work / "var",
            catalogue=catalogue,
            # py-spy follows one process: one worker serves every turn, as each worker would.
            rasa_workers=1,
        )
        url = f"{config.rasa_url}/webhooks/rest/webhook"
        print(
            f"profile: {args.turns} turns of each kind, {args.concurrency} clients, "
            f"py-spy at {args.rate} Hz, {time.strftime('%Y-%m-%d %H:%M')}, "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        with Stack(config) as stack:
            pids = {p.name: p.popen.pid for p in stack.procs}
            for kind in chosen:
                profile_kind(kind, url, pids, py_spy, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
