"""Reading py-spy's flame graphs back into numbers (cradle.flamegraph), and the bench's client."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cradle import loadbench
from cradle.flamegraph import format_summary, parse, summarise, summarise_file
from cradle.launcher import BIN, scale_out_env
from cradle.profiling import Recorder


def frame(title: str, depth: int, start: int, samples: int, total: int) -> str:
    """One frame as py-spy 0.4 (inferno) draws it: an icicle, 16 px a level."""
    share = 100 * samples / total
    return (
        f"<g><title>{title} ({samples} samples, {share:.2f}%)</title>"
        f'<rect x="{100 * start / total:.4f}%" y="{52 + 16 * depth}" width="{share:.4f}%" '
        f'height="15" fill="rgb(227,0,7)" fg:x="{start}" fg:w="{samples}"/>'
        f'<text x="0.25%" y="0"></text></g>'
    )


# all (100) -> handle_message (100) -> validate (60) -> iter_errors (50)
#                                   -> save (30) -> do_close (20)
#                                   -> handle_message again (10, recursion)
SVG = "".join(
    [
        '<svg xmlns:fg="http://github.com/jonhoo/inferno">',
        "<g><title>all (100 samples, 100%)</title>"
        '<rect x="0%" y="52" width="100%" height="15" fg:x="0" fg:w="100"/></g>',
        frame("handle_message (rasa/core/processor.py:10)", 1, 0, 100, 100),
        frame("_validate (rasa/core/actions/action.py:704)", 2, 0, 60, 100),
        frame("iter_errors (jsonschema/validators.py:5)", 3, 0, 50, 100),
        frame("save (rasa/core/tracker_store.py:1)", 2, 60, 30, 100),
        frame("do_close (sqlalchemy/engine/default.py:7)", 3, 60, 20, 100),
        frame("handle_message (rasa/core/processor.py:12)", 2, 90, 10, 100),
        "</svg>",
    ]
)


def test_the_call_tree_is_rebuilt_from_depth_and_sample_ranges():
    root = parse(SVG)
    assert root.samples == 100
    (handler,) = root.children
    assert [child.function for child in handler.children] == [
        "_validate (rasa/core/actions/action.py)",
        "save (rasa/core/tracker_store.py)",
        "handle_message (rasa/core/processor.py)",
    ]
    assert handler.own_samples == 0
    assert handler.children[0].own_samples == 10


def test_own_time_by_package_and_function_and_inclusive_time_counting_recursion_once():
    summary = summarise(parse(SVG))
    assert dict(summary.by_package) == {"jsonschema": 50, "sqlalchemy": 20, "rasa": 30}
    assert summary.by_function_own[0] == ("iter_errors (jsonschema/validators.py)", 50)
    assert dict(summary.by_function_total) == {
        "handle_message (rasa/core/processor.py)": 100,  # not 110
        "_validate (rasa/core/actions/action.py)": 60,
        "save (rasa/core/tracker_store.py)": 30,
    }
    text = format_summary("topic-rasa", summary)
    assert "50.0%  jsonschema" in text and "60.0%  _validate" in text


def test_an_empty_graph_says_the_process_ran_no_python():
    summary = summarise(parse("<svg></svg>"))
    assert summary.total == 0
    assert "ran no Python code" in format_summary("crisis-actions", summary)


@pytest.mark.integration
def test_a_real_py_spy_graph_is_read(tmp_path: Path):
    found = BIN / "py-spy" if (BIN / "py-spy").is_file() else shutil.which("py-spy")
    if not found:
        pytest.skip("py-spy is not installed")
    py_spy = Path(found)
    script = tmp_path / "busy.py"
    script.write_text(
        "def spin():\n"
        "    return sum(i * i for i in range(20000))\n"
        "while True:  # stopped by the test\n"
        "    spin()\n"
    )
    out = tmp_path / "busy.svg"
    # Attached by pid, as `make profile` does: launching the script under py-spy makes py-spy
    # wait for its child, which fails with "No child process" where SIGCHLD is ignored (CI).
    busy = subprocess.Popen([sys.executable, str(script)])  # noqa: S603 - fixed arguments
    try:
        recorder = Recorder(py_spy, busy.pid, out, 200)
        time.sleep(1.5)  # enough samples at 200 Hz
        said = recorder.stop()
    finally:
        busy.kill()
        busy.wait()
    assert "Wrote flamegraph" in said, said
    summary = summarise_file(out)
    assert summary.total > 0
    assert "busy" in dict(summary.by_package)
    assert any(name.startswith("<genexpr> (busy.py)") for name, _ in summary.by_function_own)


def test_the_bench_client_sends_turns_round_robin(monkeypatch: pytest.MonkeyPatch):
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        loadbench, "_post", lambda url, sender, text: sent.append((url, sender, text)) or True
    )
    result = loadbench.run_level(["a", "b"], ["hello", "thanks"], 2, 4, "t")
    assert result.messages == 8 and result.errors == 0
    assert [url for url, _, _ in sent].count("a") == 4
    # each conversation keeps its own sender and its turns in order
    by_sender: dict[str, list[str]] = {}
    for _, sender, text in sent:
        by_sender.setdefault(sender, []).append(text)
    assert all(texts == ["hello", "thanks"] for texts in by_sender.values())


def test_the_scale_out_variables_come_from_the_database_url():
    env = scale_out_env("postgresql://postgres@127.0.0.1:54321/postgres", 6390)
    assert env["CRADLE_PG_PORT"] == "54321" and env["CRADLE_PG_USER"] == "postgres"
    assert env["CRADLE_PG_DB"] == "postgres" and env["CRADLE_PG_PASSWORD"] == ""
    assert env["CRADLE_REDIS_PORT"] == "6390" and env["CRADLE_REDIS_HOST"] == "127.0.0.1"


def test_a_graph_title_loses_the_command_line_with_paths_and_pids():
    from cradle.profiling import retitle

    svg = (
        '<svg><text id="title" fill="rgb(0,0,0)" x="50%" y="24">/work/x/.venv/bin/py-spy record'
        " --pid 19425 --output /work/x/docs/a.svg</text><text>other</text></svg>"
    )
    out = retitle(svg, "Cradle, topic turns: the rasa process")
    assert ">Cradle, topic turns: the rasa process<" in out
    assert "19425" not in out and "/work/" not in out and "<text>other</text>" in out


def test_the_two_assistants_are_measured_in_alternating_rounds(monkeypatch: pytest.MonkeyPatch):
    sent: list[str] = []
    monkeypatch.setattr(loadbench, "_post", lambda url, sender, text: sent.append(url) or True)
    ours = loadbench.Side("cradle", ["c"], ["hello"])
    theirs = loadbench.Side("baseline", ["b"], ["hi"])
    results = loadbench.interleave([ours, theirs], [1], rounds=3)
    assert [len(results["cradle"]), len(results["baseline"])] == [3, 3]
    # after one warm-up each: cradle first, then baseline first, then cradle first again
    per_level = max(4, loadbench.PER_CLIENT)
    blocks = [sent[i] for i in range(2, len(sent), per_level)]
    assert blocks == ["c", "b", "b", "c", "c", "b"]


def test_rounds_are_pooled_per_level_and_ratios_kept_per_round():
    def result(level: int, messages: int, seconds: float) -> loadbench.LevelResult:
        return loadbench.LevelResult(level, messages, 0, seconds, [10.0] * messages)

    ours = [[result(10, 100, 1.0)], [result(10, 100, 2.0)]]
    theirs = [[result(10, 50, 1.0)], [result(10, 100, 1.0)]]
    pooled = loadbench.pooled(ours)
    assert (pooled[0].messages, pooled[0].seconds, len(pooled[0].latencies_ms)) == (200, 3.0, 200)
    assert loadbench.round_ratios(ours, theirs) == {10: [2.0, 0.5]}
