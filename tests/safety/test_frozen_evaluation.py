"""The frozen evaluation set: it must never change, and the net is measured on it.

The set was written blind (see the header of each part). The checksums below are copies of the
ones in the files' first lines, so editing a part and its header together still fails here.
Adding a new part means adding its checksum below, never editing an old one.
"""

from __future__ import annotations

import pytest

from cradle.frozen import body_checksum
from cradle.safety.evaluate import (
    EVALUATION,
    load_frozen,
    load_frozen_part,
    net_classifier,
    run,
)
from cradle.yamlio import ContentError

FROZEN = {
    "part1.yml": "42ec9cda87f825bfe584d9a7c7ec454110d9764857b117ad85a50aef6a18a539",
    "part2.yml": "f310c95639ca21b90bd26a61dcb2f5f9c281dc479b4f510458f927a9cbae923f",
    "part3.yml": "4c464f9ef4aa3287c35bab3fbb6d527d6ceb8c9a6c761fba6d5bed260cc0a45b",
    "part4.yml": "d8c04fd3abe4b9e8b5a7396621419a3b8589fa39ee6294d27b826f06949154b0",
    "part5.yml": "61878fac63f37352c376cec5698667ac55e271de584175f3175c354997bb8f07",
    "part6.yml": "567be66c9b252a27fff2343331c519ab58bb3bdf9b37e1de06dcad2f54f83bcc",
    "part7.yml": "11fd8db7e1bbc7caaea36c90fd4973a8d23800ba0bd9ab28ccae7817513c82e8",
    "part8.yml": "e988ef0573ccd46a422708b55f556fa8b6195e2a9626511732712f076839d87b",
    "part9.yml": "1b424051e6056b0cb1dff11439d6556fca2148fc65c32a47f055af1b913cdc60",
    "part10.yml": "b05061177fe7d57959c2407b4919326f72728dbea580d287743135a1bbeed811",
    "part11.yml": "7cf156de3b9d2054b318d00bae6e39cadf32cc17b6430710502157b87feb51f2",
    "part12.yml": "e83944d26485f93c4207e17aa1b5dd7ed0f3e3d74a756f130f1a6bd35c3404bc",
    "part13.yml": "e55b929cee9240ac2c272edf9d3ab4e6c6a865835e898182210ad4f97f742534",
    "part14.yml": "f6bb7e004245b9e1d1e67efbc7c707b1e20fdcfb3138d8951a9a9550eedcbc92",
    "part15.yml": "8a0a6f295970444c510061d783bb6bf438cf162cfcfe8af15695211144632535",
    "part16.yml": "e151cd4d8a4fbbe248f934f77c9613c4942c433153c04ca03e3e9fd3bf5a4fed",
    "part17.yml": "64b86019698303fe3907791e4c7b9ec363875f1a248976428b629d1f26705ef2",
    "part18.yml": "b51863bbd4ab96800391431dab85e6faf381406edb8a305107e5ce6bc0ba7984",
    "part19.yml": "625b17122fb794c61441b4696c34c49df86fe92b3acf948149aacaab524d5683",
}


def test_the_parts_are_exactly_the_frozen_ones():
    assert sorted(p.name for p in EVALUATION.glob("*.yml")) == sorted(FROZEN)


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_a_frozen_part_has_not_changed(name):
    text = (EVALUATION / name).read_text(encoding="utf-8")
    assert body_checksum(text) == FROZEN[name]
    assert text.split("\n", 1)[0] == f"# sha256: {FROZEN[name]}"


def test_an_edited_part_is_refused(tmp_path):
    edited = tmp_path / "part1.yml"
    edited.write_text((EVALUATION / "part1.yml").read_text().replace("shook", "held", 1))
    with pytest.raises(ContentError, match="checksum"):
        load_frozen_part(edited)


def test_the_set_holds_risk_and_everyday_messages():
    items = load_frozen()
    risk = [i for i in items if i.tier in ("emergency", "urgent")]
    everyday = [i for i in items if i.tier in ("support", "none")]
    assert len(risk) >= 400 and len(everyday) >= 200


def test_the_net_does_far_better_than_the_lexicon_alone_did():
    # Measured, not tuned: before this net the lexicon caught 79 of 460 of these crises and
    # dismissed 267 of 300 emergencies (docs/safety.md). The bar (97% caught, 0
    # emergencies dismissed, 3% false alarms) is NOT met: 68%, 85, 6.9% when frozen; 87.2%, 35,
    # 10.0% once the suicide and self-harm bank files (written blind) joined the training bank;
    # 89.1%, 28, 8.8% once a second family-risk bank and a near-miss everyday bank (both written
    # blind, 2026-11-29) joined it; 90.7%, 22, 9.2% after bare "I don't know" joined the
    # everyday bank; 90.7%, 24, 7.7% with the third round of blind bank files; 90.2%, 25, 7.7%
    # once 780 more NLU examples joined the everyday side; 94.6%, 15, 8.5% with a crisis-only
    # bank round; 95.7%, 10, 7.7% with a third NLU round and a fifth crisis round and a third
    # everyday round in the bank (all blind); 95.9%, 11, 7.3% with one more round of each.
    # Part 3 (330 more, written blind after all of that, measured once) joined the set: on it
    # alone 94.1%, 5, 2.7%; all three parts 95.3%, 16, 5.9%.
    # Part 4 (331 more, written blind at the start of the third session, before its changes)
    # joined: on it alone 97.3%, 3, 15.5% (its everyday messages are the hardest yet); all four
    # parts 95.8%, 19, 8.1%. The floor follows the bigger set, not a weaker net. With two more
    # blind bank files and NLU round 5: 95.6%, 19, 7.1%; with the crisis threshold the bank's
    # cross-validation rule picks on the bigger bank (0.75): 96.2%, 17, 8.5%.
    # Part 5 (362 more, fourth session, measured before its changes): 98.2%, 1, 8.8% alone; all
    # five parts 96.6%, 18, 8.6%. With NLU round 8 and calm_7 in the bank and the rule re-run
    # on it (0.70), and two red-team lines relabelled to the brief: 96.98%, 14, 8.6%.
    # Part 6 (534 more, two writers, 2026-11-30, measured before its changes): 98.9%, 0, 13.7%
    # alone; all six parts 97.3%, 14, 10.1%. The second opinion then stopped reading long
    # messages sentence by sentence (held-out writers: fewer false alarms, no fewer crises) and
    # its threshold followed (0.66): 96.6%, 18, 6.0%. With a blind bank round of long
    # messages and a lexicon pattern for a baby moving less in pregnancy: 96.9%, 14, 5.5%;
    # with the threshold the rule then picked (0.63): 97.1%, 14, 5.7%. With a blind round of
    # emergencies said indirectly and the rule re-run (0.64): 97.0%, 12, 5.6%.
    # Part 7 (538 more, two writers, sixth session, measured before its changes): 96.6%, 5,
    # 10.7% alone; all seven parts 96.9%, 17, 6.8%. With two blind bank rounds (short messages;
    # near-miss everyday messages), NLU round 9 on the everyday side and the rule re-run (0.65):
    # 96.7%, 22 (10 of them asked), 6.6%; part 7 alone 96.2%, 6, 9.2%. With lexicon patterns
    # for kinds of emergency the bank's held-out writers were dismissed on: 97.0%, 19, 6.4%.
    # Part 8 (534 more, two writers, written and frozen after the sixth session's last change,
    # measured once on it): 97.7%, 2, 9.9% alone; all eight parts 97.1%, 21, 7.1%.
    # Part 9 (535 more, two writers, seventh session, measured before its changes): 95.5%, 2,
    # 6.4% alone; all nine parts 96.9%, 23, 6.9%. Part 10 (536 more) joined at the end of that
    # session; the dismissed limit became a share of the emergencies (24 of 1,175 in parts 1-8,
    # 2.0%) so that it follows the set as parts join, instead of a count that a bigger set
    # breaks without the net getting worse. Parts 11 and 12 (eighth and ninth sessions): all
    # twelve 96.9%, 35, 6.4%. Part 13 (535 more, tenth session, read before its changes):
    # 98.1%, 1, 7.0% alone; all thirteen 97.0%, 36 of 1,979 emergencies, 6.5%. With lexicon
    # contexts and idioms widened on the bank: 97.0%, 36, 5.5%. Part 14 (533 more, eleventh
    # session, read before its changes): 97.7%, 1, 4.4% alone; all fourteen 97.0%, 37 of 2,138
    # emergencies, 5.4%. Three blind bank rounds (twelfth session): 97.3%, 35, 5.4%.
    # Part 15 (524 more, thirteenth session, read before its changes): 96.9%, 6, 2.2% alone;
    # all fifteen 97.3%, 41 of 2,294 emergencies, 5.1%. NHS signs of serious illness in the
    # lexicon: 97.3%, 40, 5.1%.
    # This only guards against falling back clearly below that level.
    result = run("frozen", load_frozen(), net_classifier())
    caught, total = result.crisis_caught()
    alarms, calm = result.false_alarms()
    emergencies = sum(item.tier == "emergency" for item in result.items)
    assert caught / total >= 0.96
    assert len(result.emergencies_dismissed()) / emergencies <= 0.020
    assert len(alarms) / calm <= 0.065  # 5.5% since the tenth session (7.5% before it)
