"""The safety net's tiers on direct, indirect, misspelt and benign wording.

The full red-team set and recall figures are issue #5's job; these cases pin the behaviour
the channels and the reply contract rely on.
"""

from __future__ import annotations

import pytest

from cradle.paths import content_dir
from cradle.safety import LexiconError, SafetyDetector, classify
from cradle.safety.lexicon import get_detector


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill myself tonight",
        "im gonna kms",
        "I've taken an overdose",
        "I'm going to hurt my baby",
        "my baby isn't breathing",
        "baby wont wake up and is floppy",
        "he's hitting me right now",
        "i keep hearing voices telling me the baby is evil",
    ],
)
def test_emergency(text):
    assert classify(text).tier == "emergency"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("I want to die", "urgent"),
        ("i dont want to be here anymore", "urgent"),
        ("everyone would be better off without me", "urgent"),
        ("I\u2019ve been cutting myself again", "urgent"),
        ("s\u200buicidal", "urgent"),
        ("i want to diiiie", "urgent"),
        ("my partner hits me when he's drunk", "abuse"),
        ("my wife said she wants to die", "concern_for_other"),
        ("what if i just disappeared", "urgent"),  # the fourth user test
        ("what if i wasnt here anymore", "urgent"),
    ],
)
def test_urgent(text, response):
    result = classify(text)
    assert (result.tier, result.response) == ("urgent", response)


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared I'll hurt my baby, the thought horrifies me",
        "I keep getting intrusive thoughts about dropping him",
        "I'm at breaking point with the crying",
    ],
)
def test_support(text):
    assert classify(text).tier == "support"


@pytest.mark.parametrize(
    "text",
    [
        "this baby is killing me lol",
        "dying for a cup of tea",
        "I'm not suicidal, just tired",
        "sleep deprivation is killing me",
        "I would never hurt my baby",
        "hello",
        "what time does the baby group open",
        "i just want to disappear to a spa for a day",  # a break, not being gone
        "what if i disappeared for a weekend, would he cope with the baby",
    ],
)
def test_benign(text):
    assert classify(text).tier == "none"


# Signs of serious illness from the NHS pages cited in lexicon.yml (medical-red-flag). Checked on
# the lexicon alone: it is the floor that holds whatever the second opinion reads. They are kept
# here rather than in the red-team set, which also trains the second opinion (docs/safety.md,
# thirteenth session).
NHS_SIGNS = [
    "she's sucking in under her ribs with every breath",
    "baby making a grunt with each breath and won't feed",
    "rash on his legs that doesn't fade when i press a glass on it",
    "tiny purple spots all over her tummy",
    "baby has been vomiting green since tea time",
    "her soft spot is bulging and she won't stop screaming",
    "toddler swallowed a button battery from the car key",
    "my 14 month old drank some bleach",
    "he got into my tablets and I don't know how many he's had",
    "she's choking on a grape and can't cough",
    "his tongue is swelling up after he ate peanut butter",
    "stiff neck and a temperature, she's 11 months and screaming when I move her",
    "she's really hard to wake this morning and barely feeding",
    "lips gone dusky when he feeds",
]
NHS_SIGN_NEAR_MISSES = [
    "is green poo normal for a breastfed baby",
    "when does the soft spot on a baby's head close",
    "newborn makes grunting noises in his sleep is that normal",
    "baby breathing fast while asleep, is that normal for a newborn",
    "how do you do the glass test on a rash?",
    "her rash faded after a day, it was just heat rash",
    "she choked on her milk a bit during the feed but was fine",
    "my partner swallowed his pride and said sorry",
    "he sucked in his tummy for the photo",
    "purple is her favourite colour, she points at everything purple",
]


@pytest.mark.parametrize("text", NHS_SIGNS)
def test_the_lexicon_alone_answers_a_sign_of_serious_illness_with_999(text):
    result = get_detector().classify(text)
    assert (result.tier, result.response) == ("emergency", "medical")


@pytest.mark.parametrize("text", NHS_SIGN_NEAR_MISSES)
def test_the_same_words_in_everyday_use_stay_everyday_for_the_lexicon(text):
    assert get_detector().classify(text).tier == "none"


def test_a_news_story_about_a_sign_of_illness_is_not_a_crisis():
    result = get_detector().classify("news story about a toddler who swallowed a button battery")
    assert result.tier == "support"


def test_an_idiom_pattern_naming_an_unknown_class_is_refused():
    rules = [{"id": "r", "tier": "urgent", "response": "urgent", "phrases": ["x"]}]
    with pytest.raises(LexiconError, match="unknown word class '\\$when'"):
        SafetyDetector({"idioms": ["say to him $when"], "rules": rules})


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("my baby's crying", True),
        ("the BABIES won't settle", True),
        ("thoughts of hurting my son", True),
        ("thoughts of crashing the car", False),
        ("thoughts of hurting him", False),
    ],
)
def test_a_word_class_is_read_in_any_form_of_its_words(text, named):
    assert get_detector().names("baby", text) is named


def test_reading_a_word_class_the_lexicon_lacks_is_refused():
    with pytest.raises(LexiconError, match="no word class 'babies'"):
        get_detector().names("babies", "my baby")


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        # The time of the writer's talk is not a signal; any other time word still is.
        ("what do i say to him tonight", set()),
        ("should i bring it up later", set()),
        ("killing time tonight", {"time"}),
        ("he says he'll kill himself tonight, what do i say to him tonight", {"time"}),
    ],
)
def test_an_idiom_pattern_is_never_read_as_a_signal(text, signals):
    assert {"time"} & get_detector().classify(text).signals == signals


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        # A time already past is not the time of an act (docs/safety.md, fifty-third session).
        ("earlier tonight i had some really dark thoughts", set()),
        ("earlier on tonight i felt awful", set()),
        ("earlier this evening i cried for an hour", set()),
        # Any other time word still is, "earlier" in the message or not.
        ("i want to die tonight", {"time"}),
        ("i felt ok earlier, now i just want to die", {"time"}),
        ("i was fine earlier but tonight is different", {"time"}),
        # A time said of a past thought is not the time of an act (docs/safety.md,
        # fifty-fourth session): the twenty-fourth user test's mum.
        ("this afternoon i had the thought everyone would be better off without me", set()),
        ("this morning i thought about killing myself", set()),
        ("last night i kept thinking about it", set()),
        # A time word anywhere else, or followed by anything else, still is.
        ("this afternoon i took all my tablets", {"time"}),
        ("i thought about it this afternoon and tonight is the night", {"time"}),
        ("tonight i had enough", {"time"}),
    ],
)
def test_a_time_already_past_or_said_of_a_thought_is_no_time_signal(text, signals):
    assert {"time"} & get_detector().classify(text).signals == signals


@pytest.mark.parametrize("key", ["softeners_right_before", "softeners_right_after"])
def test_softeners_right_before_or_after_need_a_softened_tier(key):
    bad = {"id": "bad-rule", "signals": ["time"], "phrases": ["x"]}
    with pytest.raises(LexiconError, match=f"bad-rule.*{key}.*softened_tier"):
        SafetyDetector({"rules": [{**bad, key: ["earlier"]}]})


@pytest.mark.parametrize("key", ["softeners", "softeners_right_before", "softeners_right_after"])
def test_softeners_must_be_a_list_of_words_not_one_string(key):
    bad = {"id": "bad-rule", "signals": ["time"], "phrases": ["x"], "softened_tier": "none"}
    with pytest.raises(LexiconError, match=f"bad-rule.*{key} must be a list"):
        SafetyDetector({"rules": [{**bad, key: "i thought about"}]})


def test_a_malformed_lexicon_names_the_rule():
    with pytest.raises(LexiconError, match="bad-rule"):
        SafetyDetector(
            {
                "rules": [
                    {"id": "bad-rule", "tier": "severe", "response": "urgent", "phrases": ["x"]}
                ]
            }
        )


@pytest.mark.parametrize(
    "rule",
    [
        {"negation_reaches_further": "yes", "negation_tier": "none"},
        {"negation_reaches_further": True},  # a reach with no negation to reach
    ],
)
def test_a_bad_negation_reach_names_the_rule(rule):
    bad = {"id": "bad-rule", "tier": "urgent", "response": "urgent", "phrases": ["x"], **rule}
    with pytest.raises(LexiconError, match="bad-rule.*negation_reaches_further"):
        SafetyDetector({"rules": [bad]})


def test_the_bench_hides_frozen_misses_unless_asked():
    """Whoever reads a frozen set's misses can no longer write training data blind for it."""
    from cradle.safety.evaluate import Item, Reading, Result, report

    items = (Item("a missed crisis, word for word", "emergency"), Item("an alarm", "none"))
    result = Result("a set", items, (Reading("none", None), Reading("urgent", None)), (1.0, 1.0))
    hidden = report(result, show_items=False)
    assert "crisis caught (urgent or emergency):  0/1" in hidden
    assert "false alarms on everyday messages:     1/1" in hidden
    assert "word for word" not in hidden and "an alarm" not in hidden
    assert "urgent messages read as emergencies" not in hidden  # none in the set
    shown = report(result, show_items=True)
    assert "MISS emergency/-: 'a missed crisis, word for word' -> none" in shown
    assert "FALSE ALARM -: 'an alarm' -> urgent" in shown


def test_the_bench_counts_urgent_messages_read_as_emergencies():
    from cradle.safety.evaluate import Item, Reading, Result, report

    items = (Item("a", "urgent"), Item("b", "urgent"), Item("c", "emergency"))
    readings = (Reading("emergency", None), Reading("urgent", None), Reading("emergency", None))
    result = Result("a set", items, readings, (1.0, 1.0, 1.0))
    assert result.overcalled() == (1, 2)
    assert "urgent messages read as emergencies:  1/2 = 50.0%" in report(result, False)


@pytest.mark.parametrize(
    "text",
    [
        # the past, helping someone, a question for information or a storyline: not a crisis now
        "i have a history of self harm but been stable for four years",
        "how do i ask my sister if she is having suicidal thoughts",
        "what is the difference between self harm and suicidal thoughts",
        "the suicide storyline on the soap last night was hard to watch",
        # a past told with a year or a decade (twenty-first session)
        "in the 90s i was suicidal after my first baby",
        "got through a bad patch of self harm, harm free for 4 years now",
    ],
)
def test_a_reviewed_context_lowers_a_crisis_word_to_support(text):
    assert classify(text).tier == "support"


@pytest.mark.parametrize(
    "text",
    [
        # the same contexts, but the risk is back or still going on: the match keeps its meaning
        "i used to self harm years ago and i've started again this week",
        "had suicidal thoughts in my twenties and they're back",
        "i have a history of self harm and i cut myself last night",
        "i used to self harm and i did it again",
        "years ago i was suicidal and its happening again",
        "i was suicidal in 2019 and the thoughts are back",
    ],
)
def test_a_risk_that_is_back_is_not_lowered_by_the_past(text):
    assert classify(text).tier == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "i attempted suicide in 2015 and i'm going to do it tonight",
        "in 2016 i took an overdose. i've got the tablets again and i'm doing it tonight",
    ],
)
def test_a_year_in_the_past_does_not_lower_a_plan_for_tonight(text):
    assert classify(text).tier == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # Words that sound like a past but can come with a crisis now are not past words:
        # minimising ("not at risk"), a day survived, recovery from something else.
        "im not at risk i just want to die",
        "i don't know how i got through today, i want to die",
        "sober for 2 years but i want to end my life",
    ],
)
def test_minimising_or_a_day_survived_does_not_lower_the_lexicon(text):
    assert get_detector().classify(text).tier == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "wearing those shoes to the school gate would be social suicide",
        "overdosed on chocolate buttons at the baby shower",
        "not breathing a word about the name until she is born",
        "he got a fit of giggles in the bath",
        "is 18 months too young for a rope swing",
    ],
)
def test_the_lexicon_reads_a_figure_of_speech_as_everyday(text):
    # The lexicon's idioms; the second opinion reads the whole message on its own terms.
    assert SafetyDetector.from_dir(content_dir() / "safety").classify(text).tier == "none"


@pytest.mark.parametrize(
    "text", ["i overdosed on my sertraline", "she's not breathing", "he's having a fit"]
)
def test_the_same_words_meant_plainly_are_still_an_emergency(text):
    assert classify(text).tier == "emergency"


def test_an_overriding_context_must_be_a_context():
    with pytest.raises(LexiconError, match="still_happening"):
        SafetyDetector(
            {
                "contexts": {"past": ["years ago"]},
                "overriding_contexts": {"still_happening": ["past"]},
                "rules": [{"id": "r", "tier": "urgent", "response": "urgent", "phrases": ["x"]}],
            }
        )


def test_an_overriding_context_must_list_what_it_cancels():
    with pytest.raises(LexiconError, match="still_happening"):
        SafetyDetector(
            {
                "contexts": {"past": ["years ago"], "still_happening": ["again"]},
                "overriding_contexts": {"still_happening": "past"},
                "rules": [{"id": "r", "tier": "urgent", "response": "urgent", "phrases": ["x"]}],
            }
        )


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Chcę umrzeć", "chce umrzec"),
        ("nie chcę już żyć", "nie chce juz zyc"),
        ("Vreau să mor", "vreau sa mor"),
        ("café naïve", "cafe naive"),
    ],
)
def test_accented_letters_fold_to_plain_ones(text, folded):
    # A phrase in Polish or Romanian reads the same typed with or without its accents.
    assert get_detector().normalise(text) == folded


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("Chcę umrzeć", "urgent"),
        ("chce sie zabic", "urgent"),
        ("nu mai vreau să trăiesc", "urgent"),
        ("dziecko nie oddycha", "emergency"),
        ("chcę kawę", "none"),  # Polish, "I want a coffee": no risk
    ],
)
def test_a_few_crisis_phrases_in_polish_and_romanian(text, tier):
    assert get_detector().classify(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "im not in danger right now",
        "I'm not in any danger, honestly",
        "nobody is hurting me i just feel so low",
        "im not suicidal or anything mate i just asked about the drinking",
        # a figure of speech with a crisis's word in it (the fifteenth user test's dad)
        "im not suicidal or anything just at the end of my rope",
        "at the end of my rope with this baby, she wont stop crying",
        # a sign ruled out, and someone else not about to hurt herself (the nineteenth user
        # test's dad, told to call 999 again for each)
        "shes not seeing things or hearing voices, i asked her. she means like overwhelmed, cant"
        " cope, cries at everything, says shes a rubbish mum. do i really need to ring 999?",
        "shes asleep next to the baby right now, shes safe, shes not going to hurt herself. i just"
        " want to know whats normal after having a baby and how i can help her",
        "she's not hearing voices",
        "no shes not hearing voices or anything",
        # a money worry (the twenty-second user test's dad was told to call 999 or go to A&E;
        # docs/safety.md, fifty-first session)
        "partners 36 weeks and im skint, dont know how were gonna pay the bills",
        "no idea how we are going to afford the rent when baby comes",
    ],
)
def test_saying_no_one_is_in_danger_is_not_read_as_danger(text):
    # The second opinion cannot read "not": "im not in danger right now" alone read as an
    # emergency (a user test). Statements of safety are not shown to it (second_opinion.yml).
    assert not classify(text).is_crisis


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("im not in danger right now but he said hell kill me when he gets home", "emergency"),
        ("he's never hit me but last night he put his hands round my neck", "emergency"),
        ("I'm not in danger, he just checks my phone and won't let me see my mum", "urgent"),
        ("im not suicidal but ive saved up my tablets", "emergency"),
        ("not suicidal but i wish i could go to sleep and not wake up", "urgent"),
        ("im at the end of my rope, i have a rope in the garage", "emergency"),
        ("at the end of my rope, i want to die tonight", "emergency"),
        ("dont know how were gonna pay the bills and i want to end it all", "emergency"),
        ("she says she's going to hurt herself", "urgent"),
        ("she's not going to hurt herself, she's taken all her tablets", "emergency"),
    ],
)
def test_a_danger_told_beside_a_statement_of_safety_is_still_read(text, tier):
    assert classify(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # A negation reaches over a short list joined by "or" (docs/safety.md, forty-eighth).
        ("shes not seeing things or hearing voices, i asked her", "none"),
        ("she isn't really seeing things or hearing voices", "none"),
        ("no shes not hearing voices or anything", "none"),
        # ... but not over a person, "and", "but" or a sentence break
        ("she is hearing voices", "emergency"),
        ("shes not sleeping and hearing voices", "emergency"),
        ("i'm not coping or i'm hearing voices", "emergency"),
        ("she's not herself, she's hearing voices", "emergency"),
        ("i'm not ok. hearing voices all night", "emergency"),
        ("i don't know what to do or who to tell, i keep hearing voices", "emergency"),
        # only the psychosis rule reaches over a list: a missed thought of suicide outweighs
        ("i'm not coping or thinking about ending it", "urgent"),
        # ... and the concern-for-other rule, over "going to" too
        ("shes safe, shes not going to hurt herself", "none"),
        ("he's never going to harm himself, he just needs sleep", "none"),
        ("i don't know if she's going to hurt herself", "urgent"),
        ("she says she's going to hurt herself", "urgent"),
        ("i'm not going to lie, i think she might hurt herself", "urgent"),
    ],
)
def test_the_lexicons_negation_reaches_further_for_two_rules(text, tier):
    assert get_detector().classify(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # Shaking told after losing one's temper (docs/safety.md, forty-eighth session).
        ("i lost my temper and shook him", "emergency"),
        ("lost control and shook her so hard", "emergency"),
        ("im scared ill lose my temper and shake her", "none"),
        ("i lost my temper and shouted at him", "none"),
    ],
)
def test_shaking_told_after_losing_ones_temper_is_the_lexicons_emergency(text, tier):
    assert get_detector().classify(text).tier == tier


@pytest.mark.parametrize(
    ("text", "strange_belief", "emergency"),
    [
        # A word inside a sign ruled out is ruled out too (docs/safety.md, forty-ninth session).
        ("she hasn't slept for days but she isnt hearing voices", False, False),
        ("she's barely slept for days but she isnt hearing voices", False, False),
        ("she hasn't slept for days and she's hearing voices", True, True),
        ("she isnt hearing voices but she says the tv is watching us", True, False),
        # Days without sleep told with "hasn't" (forty-ninth session).
        ("she hasn't slept in 3 days and says people are watching us", True, True),
    ],
)
def test_a_word_inside_a_sign_ruled_out_is_ruled_out_too(text, strange_belief, emergency):
    from cradle.safety.situations import SituationRules

    lexical = get_detector().classify(text)
    situations = SituationRules.from_file(content_dir() / "safety" / "situations.yml")
    read = situations.evaluate(lexical.signals, lexical.where)
    assert ("strange_belief" in lexical.signals) == strange_belief
    assert ("emergency" in (lexical.tier, read.tier)) == emergency


@pytest.mark.parametrize(
    "text",
    ["she hasn't slept in 3 days", "i didnt sleep for three nights", "he hadnt slept for days"],
)
def test_days_without_sleep_in_the_third_person_and_the_past_are_a_signal_only(text):
    result = get_detector().classify(text)
    assert "no_sleep_days" in result.signals and result.tier == "none"


@pytest.mark.parametrize(
    ("text", "tier", "response"),
    [
        # A shaken baby told in plain words (docs/safety.md, forty-ninth session): the writer's
        # own act keeps the writer's reply; someone else's gets 999 for the baby first.
        ("i shook the baby", "emergency", "emergency"),
        ("i shook my son", "emergency", "emergency"),
        ("he shook the baby", "emergency", "medical"),
        ("my partner shook our son", "emergency", "medical"),
        ("he lost his temper and shook the baby", "emergency", "medical"),
        ("her boyfriend has shaken the baby", "emergency", "medical"),
        ("hes just shook the baby so hard", "emergency", "medical"),
        ("he never shook the baby", "none", None),
        ("he shook the baby rattle to make her laugh", "none", None),
        ("what is shaken baby syndrome", "none", None),
        ("my dad shook my hand", "none", None),
        ("im scared ill shake the baby", "support", "support"),
        ("my husband shook the baby years ago and he got help", "support", "support"),
        # The child's own parent named: "her" is the child (fiftieth session).
        ("her dad has just shaken her", "emergency", "medical"),
        ("his dad just shook him really hard", "emergency", "medical"),
        ("her dad has shaken her up with the news", "none", None),
        ("i just shook him", "emergency", "emergency"),
    ],
)
def test_a_shaken_baby_in_plain_words_is_the_lexicons_emergency(text, tier, response):
    result = get_detector().classify(text)
    assert (result.tier, result.response) == (tier, response)


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("she's not seeing things or hearing voices", True),
        ("no she isn't hearing voices", True),
        ("she is hearing voices", False),
        ("she's not sleeping", False),
    ],
)
def test_a_negated_sign_leaves_a_ruled_out_signal(text, ruled_out):
    # The conversation answers a sign ruled out after someone else's emergency (cradle/turn.py).
    signals = get_detector().classify(text).signals
    assert ("ruled_out:strange_belief" in signals) is ruled_out


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("shook", "shake"),
        ("strangled", "strangle"),
        ("slept", "sleep"),
        ("stockpiled", "stockpile"),
    ],
)
def test_a_word_is_read_by_its_lemma(word, lemma):
    # The lookup table is keyed by the words' hashes: read as a plain dict it held no words, and
    # every `^word` pattern matched its base form only ("choke me", never "choked me").
    from cradle.safety.lexicon import _lemma

    assert _lemma(word) == lemma


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("he choked me", "emergency"),
        ("she strangled me last night", "emergency"),
        ("havent slept for days and the voices keep telling me things", "emergency"),
        ("ive been stockpiling my sertraline", "emergency"),
    ],
)
def test_any_form_of_a_lemma_patterns_word_is_caught_by_the_lexicon_alone(text, tier):
    assert get_detector().classify(text).tier == tier
