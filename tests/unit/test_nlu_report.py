"""`make test-nlu` prints the frozen set's figure and fails below the floor."""

from __future__ import annotations

import json

import pytest

from cradle.nlu_report import main


def report(macro: float) -> dict:
    return {
        "ask_low_mood": {"f1-score": macro, "recall": macro, "support": 25},
        "find_services": {"f1-score": macro, "recall": 1.0, "support": 25},
        "greet": {"f1-score": macro, "recall": 1.0, "support": 8},
        "accuracy": macro,
        "macro avg": {"f1-score": macro, "support": 33},
    }


@pytest.mark.parametrize(
    ("macro", "floor", "code", "verdict"),
    [(0.95, 0.9, 0, "met"), (0.85, 0.8, 0, "NOT met"), (0.6, 0.7, 1, "NOT met")],
)
def test_the_goal_and_the_floor(tmp_path, capsys, macro, floor, code, verdict):
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report(macro)))
    assert main([str(path), "--floor", str(floor)]) == code
    out = capsys.readouterr()
    assert f"macro-F1 {macro:.3f}" in out.out
    assert f": {verdict}" in out.out
    assert ("below the floor" in out.err) == (code == 1)


def test_the_older_set_is_labelled_as_flattering(tmp_path, capsys):
    frozen, older = tmp_path / "f.json", tmp_path / "o.json"
    frozen.write_text(json.dumps(report(0.8)))
    older.write_text(json.dumps(report(0.97)))
    main([str(frozen), "--older", str(older), "--floor", "0.5"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("frozen held-out set (written blind): intent macro-F1 0.800")
    assert any("flatters" in line and "0.970" in line for line in lines)


def test_topic_and_service_requests_are_counted_apart_from_small_intents(tmp_path, capsys):
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report(0.8)))
    main([str(path), "--floor", "0.5"])
    # (0.8 * 25 + 1.0 * 25) / 50: greet's 8 messages are not topic or service requests
    assert "topic and service requests right 90.0% of 50" in capsys.readouterr().out


@pytest.mark.parametrize("part", ["part2", "part3"])
@pytest.mark.parametrize(("score", "code"), [(0.85, 0), (0.7, 1)])
def test_each_later_part_is_printed_and_has_its_own_floor(tmp_path, capsys, part, score, code):
    first, later = tmp_path / "f.json", tmp_path / f"{part}.json"
    first.write_text(json.dumps(report(0.95)))
    later.write_text(json.dumps(report(score)))
    assert main([str(first), f"--{part}", str(later), f"--{part}-floor", "0.78"]) == code
    out = capsys.readouterr()
    name = part.replace("part", "part ")
    assert f"frozen {name} (written blind" in out.out
    assert f"intent macro-F1 {score:.3f}" in out.out
    assert (f"{name} macro-F1" in out.err) == (code == 1)


def test_a_label_the_set_has_no_message_of_is_left_out_of_its_average(tmp_path, capsys):
    # An intent added after the set was frozen, predicted for one of its messages: Rasa
    # averages it in with F1 0; the report averages the set's own intents, and prints both.
    scores = report(0.9)
    scores["ask_feeling_alone"] = {"f1-score": 0.0, "recall": 0.0, "support": 0}
    scores["macro avg"]["f1-score"] = 0.9 * 3 / 4
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(scores))
    assert main([str(path), "--floor", "0.85"]) == 0
    out = capsys.readouterr().out
    assert "intent macro-F1 0.900" in out
    assert "Rasa's average, with labels the set has no message of, 0.675" in out
