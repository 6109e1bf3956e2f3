"""`make bench`: replay multi-turn conversations through the REST channel at concurrency 1, 10
and 50, for Cradle and for a default `rasa init` assistant in the same run, and print latency,
throughput, errors, peak memory and training time. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cradle.catalogue.build import build_catalogue
from cradle.launcher import BIN, PROJECT_ROOT, Stack, StackConfig, free_port
from cradle.paths import content_dir

CRADLE_TURNS = ["hello", "i feel so low since the baby came", "yes please", "Rugby", "thanks"]
BASELINE_TURNS = ["hello", "I am sad", "yes", "goodbye"]


@dataclass
class LevelResult:
    concurrency: int
    messages: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def _post(url: str, sender: str, text: str) -> bool:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        data = json.load(reply)
    return isinstance(data, list) and bool(data)


def run_level(
    url: str, turns: list[str], concurrency: int, conversations: int, prefix: str
) -> LevelResult:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def conversation(number: int) -> None:
        nonlocal errors
        sender = f"{prefix}-{concurrency}-{number}"
        for text in turns:
            started = time.perf_counter()
            try:
                ok = _post(url, sender, text)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(conversations)))
    seconds = time.perf_counter() - started
    return LevelResult(concurrency, len(latencies), errors, seconds, latencies)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,  # noqa: S603
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def wait_for(check: Callable[[], bool], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not become ready")


def measure(url: str, turns: list[str], levels: list[int], prefix: str) -> list[LevelResult]:
    _post(url, f"{prefix}-warmup", turns[0])
    return [
        run_level(url, turns, level, conversations=max(4, level * 2), prefix=prefix)
        for level in levels
    ]


def print_table(name: str, results: list[LevelResult]) -> None:
    print(f"\n{name}")
    print(
        f"{'conc':>5} {'msgs':>6} {'err':>4} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for r in results:
        print(
            f"{r.concurrency:5d} {r.messages:6d} {r.errors:4d} {r.rate:7.1f} "
            f"{statistics.median(r.latencies_ms):8.1f} {r.pct(0.95):8.1f} {r.pct(0.99):8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(PROJECT_ROOT))
    work = Path(tempfile.mkdtemp(prefix="cradle-bench-"))
    print(f"load benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores")
    try:
        train_s = timed(
            [
                str(BIN / "rasa"),
                "train",
                "--data",
                "bot/data",
                "--domain",
                "domain.yml",
                "--config",
                "config.yml",
                "--out",
                str(work / "models"),
                "--fixed-model-name",
                "cradle",
                "--force",  # time a full training, not a cache hit
            ],
            PROJECT_ROOT,
            env,
        )
        catalogue = work / "catalogue.db"
        build_catalogue(content_dir() / "services", catalogue)
        config = StackConfig(
            web_port=free_port(),
            rasa_port=free_port(),
            actions_port=free_port(),
            model=work / "models" / "cradle.tar.gz",
            var=work / "var",
            catalogue=catalogue,
        )
        with Stack(config) as stack:
            cradle = measure(
                f"{config.rasa_url}/webhooks/rest/webhook", CRADLE_TURNS, levels, "cradle"
            )
            rss = {p.name: peak_rss_mb(p.popen.pid) for p in stack.procs}
        print(f"\nCradle training: {train_s:.0f} s")
        print_table("Cradle (REST channel, SQLite tracker store)", cradle)
        print("peak RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
        if args.skip_baseline:
            return 0
        base_dir = work / "baseline"
        base_dir.mkdir()  # rasa init wants an existing folder
        init_s = timed(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(base_dir)],
            PROJECT_ROOT,
            env,
        )
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1"],
            cwd=base_dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            wait_for(lambda: _post(url, "probe", "hello"))
            baseline = measure(url, BASELINE_TURNS, levels, "baseline")
            base_rss = peak_rss_mb(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        print(f"\nBaseline `rasa init` (init + training): {init_s:.0f} s")
        print_table("Baseline: default rasa init assistant (DIET + TED), same machine", baseline)
        print(f"peak RSS MB: rasa {base_rss:.0f}")
        print("\nCradle / baseline")
        for c, b in zip(cradle, baseline, strict=True):
            print(
                f"  concurrency {c.concurrency:2d}: throughput x{c.rate / b.rate:.2f}, "
                f"p50 x{statistics.median(c.latencies_ms) / statistics.median(b.latencies_ms):.2f}"
                f", p95 x{c.pct(0.95) / b.pct(0.95):.2f}"
            )
        print(f"  Rasa server peak RSS x{rss.get('rasa', float('nan')) / base_rss:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
