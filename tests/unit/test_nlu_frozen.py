"""The held-out NLU sets frozen on 2026-11-29 must never change (see their headers)."""

from __future__ import annotations

import pytest

from cradle.frozen import body_checksum, read_frozen
from cradle.paths import PROJECT_ROOT
from cradle.yamlio import load_yaml

FROZEN = PROJECT_ROOT / "tests" / "nlu" / "frozen.yml"
# Copies of the checksums in the files' first lines, so editing a file and its header together
# still fails. A new part gets a new line here; an old one is never edited.
CHECKSUMS = {
    "frozen.yml": "6c7e7dbf6494f44ca7b01ab32f36db12704274395d5494a01e70be9b3a4c7166",
    "frozen_2.yml": "34d40f8829d2949ea52a1fabc6f2561c37cebb347693884fbc895c916ddd0380",
    "frozen_3.yml": "aabec9c341695adf82984ff9fd2ca0284d04dfbb37b015dac62fa489ca7c1212",
    "frozen_4.yml": "ca1aebbfe11de7e34fb635862f960429abf88e0c34c947e693d274d43c7c2cbe",
    "frozen_5.yml": "59acdfd3f416a0474c44be334a9f21d7d5ef6a208163f13884d0df56a173eadf",
    "frozen_6.yml": "05aa9799ebcb398cbe19d6bbae0eb91e29ff903df0bed25866f107c841e8cb5a",
    "frozen_7.yml": "a2d669903d074f0a463c50749786238a7dc55e758bec1314b7d506616860332d",
    "frozen_8.yml": "a244bde15ffaa5df59481a79eaf8b4b3f26b4cdc2f4960246dbe2baffa9ce3ee",
    "frozen_9.yml": "64bfc326654bcbc96046a09116f22c0492a517815476491e7db7f286c35f0799",
    "frozen_10.yml": "c97912a4368c90fd195aff647814aa45e49cf9aa7138e7e4814b49b8daff15d8",
    "frozen_11.yml": "5374907f594546c1746ab683624f3af6a79bb0ba6385234aa4fe9740c87b54b2",
}


def test_the_frozen_parts_are_exactly_the_listed_ones():
    assert sorted(p.name for p in FROZEN.parent.glob("frozen*.yml")) == sorted(CHECKSUMS)


def test_the_parts_are_numbered_from_their_file_names():
    from cradle.frozen import nlu_parts

    parts = nlu_parts(FROZEN.parent)
    assert list(parts) == list(range(1, len(CHECKSUMS) + 1))
    assert parts[1] == FROZEN and parts[9].name == "frozen_9.yml"


def test_every_later_part_has_its_own_floor_in_the_report():
    # `make test-nlu` passes every frozen_N.yml to cradle.nlu_report as --partN; a part
    # without a floor there would stop it with argparse's "unrecognized arguments".
    from cradle.frozen import nlu_parts
    from cradle.nlu_report import PARTS

    missing = [n for n in nlu_parts(FROZEN.parent) if n > 1 and f"part{n}" not in PARTS]
    assert not missing, f"add a floor for parts {missing} to PARTS in cradle/nlu_report.py"


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_a_frozen_nlu_set_has_not_changed(name):
    text = read_frozen(FROZEN.parent / name)
    assert body_checksum(text) == CHECKSUMS[name]
    assert text.split("\n", 1)[0] == f"# sha256: {CHECKSUMS[name]}"


def test_the_frozen_set_covers_the_twelve_topics_it_was_written_for():
    from cradle.content import topic_for_intent

    counts = {
        block["intent"]: len([line for line in block["examples"].splitlines() if line.strip()])
        for block in load_yaml(FROZEN)["nlu"]
    }
    topics = {topic_for_intent(intent) for intent in counts} - {None}
    # The set is frozen, so a topic added after 2026-11-29 has no held-out messages here and
    # `make test-nlu` does not measure it; the twelve topics it was written for must still exist.
    assert len(topics) == 12
    assert all(counts[i] >= 25 for i in counts if topic_for_intent(i)), counts
    assert counts["find_services"] >= 30


def test_the_service_bench_reads_the_frozen_sets_service_requests():
    from cradle.service_bench import service_requests

    requests = service_requests()
    assert len(requests) == 30
    assert all(r and "](" not in r for r in requests)  # entity annotations removed


def test_the_service_bench_counts_both_parts_and_what_each_reply_gave():
    from cradle.service_bench import frozen_parts, report, service_requests

    parts = frozen_parts()
    assert list(parts)[:3] == ["part 1", "part 2", "part 3"]
    assert len(service_requests(parts["part 2"])) == 17
    assert len(service_requests(parts["part 3"])) == 34
    assert len(service_requests(parts["part 5"])) == 36
    assert len(service_requests(parts["part 6"])) == 36
    assert len(service_requests(parts["part 9"])) == 33
    contracts = [
        {"services": [{"id": "a"}], "topic": None},  # services: what was asked for
        {"services": [], "safety": "emergency", "topic": None},  # crisis help instead
        {"services": [], "topic": "low-mood"},  # a topic answer, no services
        {"services": [], "topic": None},  # neither: the request went unanswered
    ]
    text = report("part 2", contracts)
    assert "answered with services in the same turn: 1/4" in text
    assert "answered with crisis help instead: 1" in text
    assert "answered with neither a topic nor services: 1" in text
