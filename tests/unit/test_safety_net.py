"""How the safety net's layers combine: the highest tier wins, and an unsure model asks first.

The second opinion here is a fixed-probability stand-in, so the combining rules are tested on
their own; the trained model is measured in tests/safety and `make bench-safety`.
"""

from __future__ import annotations

import re

import pytest
import yaml

from cradle.paths import content_dir
from cradle.recent import Recent
from cradle.safety import SafetyDetector, SafetyNet, SafetyResult
from cradle.safety.second_opinion import Opinion, Thresholds
from cradle.safety.situations import SituationRules
from cradle.safety.who_is_hurt import WhoIsHurt
from cradle.turn import NET_INTENTS, SAFE_NOW_INTENT, SIGNS_RULED_OUT_INTENT, prepare_turn
from cradle.yamlio import ContentError

SAFETY = content_dir() / "safety"


class FixedOpinion:
    thresholds = Thresholds(emergency=0.5, crisis=0.5, check=0.3)

    def __init__(
        self,
        emergency: float,
        crisis: float,
        response: str | None = "urgent",
        someone_else: float | None = None,
    ):
        self._opinion = Opinion(emergency, crisis, response)
        self._someone_else = someone_else

    def opinion(self, text: str) -> Opinion:
        return self._opinion

    def someone_else(self, text: str) -> float | None:
        return self._someone_else

    def signs_ruled_out(self, text: str) -> frozenset[str]:
        return frozenset()


def net(opinion: FixedOpinion | None) -> SafetyNet:
    lexicon = SafetyDetector.from_dir(SAFETY)
    situations = SituationRules.from_file(SAFETY / "situations.yml")
    who_is_hurt = WhoIsHurt.from_file(SAFETY / "who_is_hurt.yml", lexicon.normalise)
    return SafetyNet(lexicon, situations, opinion, who_is_hurt)


@pytest.mark.parametrize(
    ("text", "opinion", "tier", "response"),
    [
        # the lexicon finds an emergency; a calm model cannot lower it
        ("I've taken an overdose", FixedOpinion(0.0, 0.0), "emergency", "emergency"),
        # the model finds what the lexicon missed
        ("everything is grey", FixedOpinion(0.1, 0.8, "urgent"), "urgent", "urgent"),
        ("everything is grey", FixedOpinion(0.9, 0.95, "medical"), "emergency", "medical"),
        # whose crisis it is picks the reply of the tier, never the tier
        (
            "I've taken an overdose",
            FixedOpinion(0, 0, someone_else=0.9),
            "emergency",
            "emergency_for_other",
        ),
        (
            "everything is grey",
            FixedOpinion(0.1, 0.8, someone_else=0.9),
            "urgent",
            "concern_for_other",
        ),
        # unsure: ask "are you or your baby in danger right now?"
        ("everything is grey", FixedOpinion(0.1, 0.35), "none", "check"),
        # sure it is calm
        ("everything is grey", FixedOpinion(0.0, 0.05), "none", None),
    ],
)
def test_the_highest_tier_wins_and_unsure_asks(text, opinion, tier, response):
    result = net(opinion).classify(text)
    assert (result.tier, result.response) == (tier, response)


ABUSE = FixedOpinion(0.1, 0.8, "abuse")


@pytest.mark.parametrize(
    ("text", "opinion", "response"),
    [
        # Someone else's partner named, no "me": the reply for abuse told by a friend, at the
        # same tier, even when the whose model would say the writer's (it reads who is named).
        ("my sisters boyfriend shouts at her, took her card", ABUSE, "abuse_for_other"),
        (
            "my sisters boyfriend shouts at her, took her card",
            FixedOpinion(0.1, 0.8, "abuse", someone_else=0.0),
            "abuse_for_other",
        ),
        # The writer's own: the reply written to the victim, whatever the whose model says.
        ("my boyfriend shouts at me, took my card", ABUSE, "abuse"),
        (
            "my partner hits me when he's drunk",
            FixedOpinion(0.1, 0.8, "abuse", someone_else=0.99),
            "abuse",
        ),
        # Not abuse: no other reply is changed.
        ("my sisters boyfriend says she wants to die", FixedOpinion(0.1, 0.8), "concern_for_other"),
    ],
)
def test_abuse_told_by_a_friend_gets_the_reply_written_for_them(text, opinion, response):
    result = net(opinion).classify(text)
    assert (result.tier, result.response) == ("urgent", response)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # a thought of suicide plus a means, place, time or act is an emergency
        ("i want to die and i have been saving up my tablets", "emergency"),
        ("i want to die, im at the bridge", "emergency"),
        # the thought alone is urgent
        ("i want to die", "urgent"),
        # a time word in the thought's sentence, or the one before or after it, is its time
        ("i want to die tonight", "emergency"),
        ("i want to kill myself now", "emergency"),
        ("I want to die. Tonight.", "emergency"),
        ("tonight. i cant do this anymore i want to end it", "emergency"),
        ("my wife says she wants to kill herself tonight", "emergency"),
        ("ive been cutting myself and im going to do it again tonight with a blade", "emergency"),
        # a time word said of something else, two sentences on, is not (fifteenth user test)
        (
            "my husband said last night 'you'd all be better off without me'. our son is 3 "
            "months. hes at work now and texted saying he was only joking. how worried should "
            "i be?",
            "urgent",
        ),
        ("i want to die. the baby was up all night. she's asleep now", "urgent"),
        # a means still counts anywhere in the message
        ("i want to die. the baby was up all night. i have 50 paracetamol", "emergency"),
        # the time of the writer's talk with him is not the time of an act (fifteenth user
        # test); a time said of the act, or a means, still is
        (
            "thanks. but what do i actually say to him tonight? should i ask him straight out if "
            "hes thinking of killing himself, or will that put the idea in his head",
            "urgent",
        ),
        ("he says he'll kill himself tonight, what do i say to him tonight", "emergency"),
        (
            "what do i say to her tonight, she has the pills out and says she wants to die",
            "emergency",
        ),
    ],
)
def test_situation_rules_combine_signals(text, tier):
    assert net(None).classify(text).tier == tier


@pytest.mark.parametrize(
    ("all_of", "near", "error"),
    [
        (["suicidal"], {"place": 1}, "not one of its signals"),
        (["suicidal"], {"time": -1}, "whole number from 0"),
        (["suicidal"], {"time": "one"}, "whole number from 0"),
        (["suicidal"], {"time": True}, "whole number from 0"),
        (["suicidal"], "time", "maps a signal"),
        (["time"], {"time": 1}, "needs another 'all' signal"),
    ],
)
def test_a_near_that_cannot_be_read_is_a_content_error(tmp_path, all_of, near, error):
    rule = {"id": "r", "all": all_of, "any": ["time", "means"], "tier": "emergency"}
    rule |= {"response": "emergency", "near": near}
    path = tmp_path / "situations.yml"
    path.write_text(yaml.safe_dump({"situations": [rule]}))
    with pytest.raises(ContentError, match=error):
        SituationRules.from_file(path)


def test_an_unsure_reading_asks_first_instead_of_answering(monkeypatch):
    import cradle.turn

    unsure = SafetyResult("none", "check", ("second-opinion:unsure",))
    monkeypatch.setattr(cradle.turn, "classify", lambda text: unsure)
    # The net leaned to no reply: "yes" gets the default one, never an earlier crisis's.
    assert prepare_turn("everything is grey").text_for_rasa == (
        '/safety_check{"safety_response": "urgent"}'
    )
    leaning = SafetyResult("none", "check", ("second-opinion:unsure",), leaning="losing_control")
    monkeypatch.setattr(cradle.turn, "classify", lambda text: leaning)
    assert prepare_turn("he won't stop").text_for_rasa == (
        '/safety_check{"safety_response": "losing_control"}'
    )


def test_a_message_read_a_moment_ago_is_not_read_again_and_its_text_is_not_kept(monkeypatch):
    from cradle.safety import net as net_module

    calls: list[str] = []
    real = net_module.SafetyNet.classify

    def counting(self, text):
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(net_module.SafetyNet, "classify", counting)
    monkeypatch.setattr(net_module, "_RECENT", Recent(size=2))
    first = net_module.classify("I took all my tablets an hour ago")
    assert net_module.classify("I took all my tablets an hour ago") == first
    assert calls == ["I took all my tablets an hour ago"]
    assert first.tier == "emergency"
    # Keys are digests: the cache never holds the words.
    assert all(isinstance(k, bytes) and b"tablets" not in k for k in net_module._RECENT.keys())
    net_module.classify("hello")
    net_module.classify("thanks")  # the oldest falls out: at most `size` are kept
    net_module.classify("I took all my tablets an hour ago")
    assert calls.count("I took all my tablets an hour ago") == 2


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # `--only chosen` is the kept model alone (a few minutes), not the ensemble as well
        (["chosen"], ["words+chars, logistic regression (chosen)"]),
        (
            ["gru", "convolution"],
            [
                "word+character-gram convolution (neural)",
                "word+character-gram bidirectional GRU (neural)",
                "mean of the kept model and convolution",
            ],
        ),
    ],
)
def test_crossval_runs_only_the_named_candidates(names, expected):
    from cradle.safety.crossval import select

    assert list(select(names)) == expected


def test_crossval_runs_every_candidate_when_none_is_named():
    from cradle.safety.crossval import CANDIDATES, select

    assert list(select(None)) == list(CANDIDATES)


def test_crossval_refuses_a_name_that_matches_nothing():
    from cradle.safety.crossval import select

    with pytest.raises(SystemExit, match="no candidate matches"):
        select(["transformer"])


def test_the_second_opinion_reads_a_long_message_whole_not_its_most_worrying_sentence():
    # Reading each sentence and keeping the worst tripled false alarms on new writers' long
    # everyday messages (docs/safety.md, 2026-11-30); the team's own long test message opened
    # with "Sorry this is long.", which alone read like the apologies in goodbye messages. A toy
    # model trained here reproduces that: the opener alone reads as a crisis, the message not.
    from cradle.safety.second_opinion import SecondOpinion, build_model

    calm = ["i have felt low since my son was born", "my partner works long hours", "is it normal"]
    crisis = ["sorry for everything", "so sorry this is the end"]
    model = build_model(calm * 4 + crisis * 4, ["none"] * 12 + ["emergency/emergency"] * 8)
    opinion = SecondOpinion(model, str.lower, Thresholds(0.8, 0.64, 0.5))
    text = (
        "Sorry this is long. Since my son was born I have felt low most days. "
        "My partner works long hours. Is it normal?"
    )
    assert opinion.opinion("Sorry this is long.").crisis > 0.64 > opinion.opinion(text).crisis


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # A baby's or a pregnancy's age is taken out: it is not a risk.
        ("He's 6 weeks", "he's"),
        ("She's 3 weeks old!", "she's"),
        ("my baby is 5 weeks", "my baby is"),
        ("I'm 20 weeks pregnant", "i'm pregnant"),
        ("my 3-month-old isn't breathing", "my isn't breathing"),
        ("he's 10 days old and floppy", "he's and floppy"),
        # A length of time is kept: not sleeping for days can be a sign of psychosis.
        ("not slept for 3 days", "not slept for 3 days"),
        ("it's 3 days since I slept", "it's 3 days since i slept"),
        ("she's 3 days without sleep", "she's 3 days without sleep"),
        ("took them 2 days ago", "took them 2 days ago"),
    ],
)
def test_the_second_opinion_reads_a_message_without_the_babys_age(text, read):
    from cradle.safety.second_opinion import model_text

    assert model_text(str.lower, text) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("my baby is 5 weeks", False),
        ("he's 6 weeks old", False),
        ("my baby is not breathing", True),
    ],
)
def test_words_that_only_say_who_are_left_to_the_lexicon(text, read):
    from cradle.safety.second_opinion import model_text, readable

    assert readable(model_text(str.lower, text), 3) is read


def test_everyday_questions_have_their_own_whose_model_and_crises_keep_theirs():
    # Taught to the crisis whose model, the bank's everyday questions made one more writer's own
    # crisis read as someone else's (README, eighteenth session): they get a model of their own.
    from cradle.safety.second_opinion import SecondOpinion, build_model

    calm = ["i have felt low since my son was born", "my partner works long hours", "is it normal"]
    crisis = ["she is not breathing", "i took all my pills"]
    model = build_model(calm * 4 + crisis * 4, ["none"] * 12 + ["emergency/emergency"] * 8)
    mine = ["i feel so low and tired", "i cannot stop worrying about the baby"]
    theirs = ["how can i help my sister who is low", "my friend seems so down what can i do"]
    whose = build_model(mine * 4 + theirs * 4, ["writer"] * 8 + ["someone_else"] * 8)
    questions = build_model(theirs * 4 + mine * 4, ["writer"] * 8 + ["someone_else"] * 8)
    both = SecondOpinion(model, str.lower, Thresholds(0.8, 0.64, 0.5), 3, whose, questions)
    text = "how can i help my sister who is low"
    assert both.someone_else(text) > 0.5 > both.asking_for_someone_else(text)
    assert both.asking_for_someone_else("my sister") is None  # too short to read
    crises_only = SecondOpinion(model, str.lower, Thresholds(0.8, 0.64, 0.5), 3, whose)
    assert crises_only.asking_for_someone_else(text) is None


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("what is bonding", False),  # names nobody else: the writer's (the fifth user test)
        ("can men get postnatal depression", False),  # a group, not a person
        ("how can i help my sister who is low", True),
        ("she's been so flat since the birth", True),  # "she's" names her
        ("my wife's low, what do i do", True),
    ],
)
def test_the_model_for_questions_is_read_only_when_another_person_is_named(text, read):
    from cradle.safety.second_opinion import SecondOpinion, build_model

    mine = ["i feel so low and tired", "i cannot stop worrying about the baby"]
    theirs = ["how can i help my sister who is low", "my friend seems so down what can i do"]
    questions = build_model(mine * 4 + theirs * 4, ["writer"] * 8 + ["someone_else"] * 8)
    people = frozenset({"she", "sister", "wife", "friend"})
    # The tier model is not read here: the questions model stands in for it.
    opinion = SecondOpinion(
        questions, str.lower, Thresholds(0.8, 0.64, 0.5), 3, questions, questions, people
    )
    reading = opinion.asking_for_someone_else(text)
    if read:
        assert reading is not None and 0.0 < reading < 1.0  # the model's own reading
    else:
        assert reading == 0.0


def test_statements_of_safety_are_taken_out_of_what_the_model_reads():
    # A toy model that, like the real one, reads "danger" as a crisis whatever comes before it.
    from cradle.safety.second_opinion import SecondOpinion, build_model

    calm = ["my baby sleeps well now", "we went to the park today", "feeling tired but ok"]
    crisis = ["we are in danger right now", "danger he is here", "in danger please help"]
    model = build_model(calm * 4 + crisis * 4, ["none"] * 12 + ["emergency/emergency"] * 12)
    statements = re.compile(r"\bnot in danger\b(?: right now)?", re.I)
    plain = SecondOpinion(model, str.lower, Thresholds(0.8, 0.64, 0.5))
    careful = SecondOpinion(model, str.lower, Thresholds(0.8, 0.64, 0.5), statements=statements)
    text = "We are NOT in danger right now, we went to the park today"
    assert plain.opinion(text).crisis > careful.opinion(text).crisis
    assert careful.opinion(text).crisis < 0.5
    # Only the statement goes: a danger told beside it is still read.
    assert careful.opinion("not in danger from him but danger he is here").crisis > 0.64


@pytest.mark.parametrize("key", ["safety_statements", "figures_of_speech"])
@pytest.mark.parametrize(
    ("statements", "error"),
    [
        ("not in danger", "must be a list"),
        (["(not in danger"], "is not valid"),
        ([""], "must be a list"),
    ],
)
def test_a_statement_of_safety_that_cannot_be_read_names_itself(tmp_path, key, statements, error):
    from cradle.safety.second_opinion import safety_statements

    with pytest.raises(ContentError) as raised:
        safety_statements(tmp_path / "second_opinion.yml", {key: statements})
    assert key in str(raised.value) and error in str(raised.value)


@pytest.mark.parametrize(
    ("signs", "error"),
    [
        ("not seeing things", "must map a lexicon signal"),
        ({"strange_belief": "not seeing things"}, "signs_ruled_out.strange_belief must be a list"),
        ({"strange_belief": ["(not seeing"]}, "is not valid"),
    ],
)
def test_a_sign_ruled_out_that_cannot_be_read_names_itself(tmp_path, signs, error):
    from cradle.safety.second_opinion import signs_ruled_out

    with pytest.raises(ContentError) as raised:
        signs_ruled_out(tmp_path / "second_opinion.yml", {"signs_ruled_out": signs})
    assert "signs_ruled_out" in str(raised.value) and error in str(raised.value)


def test_a_sign_ruled_out_must_be_one_the_lexicon_reads(tmp_path):
    import shutil

    from cradle.paths import content_dir
    from cradle.safety.net import SafetyNet

    safety = tmp_path / "safety"
    shutil.copytree(content_dir() / "safety", safety)
    config = safety / "second_opinion.yml"
    config.write_text(config.read_text().replace("  strange_belief:", "  strange_beleif:", 1))
    with pytest.raises(ContentError) as raised:
        SafetyNet.from_dir(safety, with_second_opinion=False)
    assert "strange_beleif is not a lexicon signal" in str(raised.value)


@pytest.mark.parametrize("intent", sorted(NET_INTENTS | {SAFE_NOW_INTENT}))
def test_intents_only_the_net_sends_are_not_learnt_as_everyday_messages(intent):
    # Their examples are said right after crisis help ("it's not me, it's my friend"): learnt
    # as everyday messages, five of them moved the frozen safety figures (docs/safety.md,
    # thirty-fourth session).
    from cradle.paths import PROJECT_ROOT
    from cradle.safety.second_opinion import example_text, load_config, nlu_examples
    from cradle.yamlio import load_yaml

    config = load_config(content_dir() / "safety")
    assert intent in config["nlu_examples"]["exclude"]
    blocks = load_yaml(PROJECT_ROOT / config["nlu_examples"]["file"])["nlu"]
    own = {
        example_text(line)
        for block in blocks
        if block.get("intent") == intent
        for line in str(block["examples"]).splitlines()
        if line.strip()
    }
    # The intent has examples there to keep out, or (sent by the channel from the lexicon's own
    # reading, never guessed) none at all to learn.
    assert own or intent == SIGNS_RULED_OUT_INTENT
    assert own.isdisjoint(example.text for example in nlu_examples(config))
