"""The facts corrected in issue 13 stay correct: who each line is for, what is an emergency,
safe sleep, the silent 999 call and the ICON message. Each fact is checked in the text parents
read (sections and SMS), with its source in the topic's front matter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cradle.content import DADS_HEADING, SHORT_TEXT_KEYS, Topic, get_topic, topic_ids
from cradle.paths import content_dir
from cradle.responses import SMS_CHANNEL, get_responses, pick_variation
from cradle.yamlio import load_yaml

RESPECT_PHONELINE = "0808 802 4040"
POSTPARTUM_PSYCHOSIS_TOPICS = ["low-mood", "sleep-and-exhaustion", "dads"]
SAFE_SLEEP_TOPICS = ["sleep-and-exhaustion", "crying-baby"]


def flat(text: str) -> str:
    return " ".join(text.split())


def paragraphs(topic: Topic) -> list[str]:
    """Every paragraph or list item a parent reads: the SMS texts and each section's body."""
    out = [flat(str(topic.meta.get(key) or "")) for key in SHORT_TEXT_KEYS]
    for section in topic.sections:
        out += [flat(p) for p in re.split(r"\n\s*\n|\n(?=- )", section.text)]
    return [p for p in out if p]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", flat(text)) if s]


def topic_sentences(topic_id: str) -> list[str]:
    return [s for p in paragraphs(get_topic(topic_id)) for s in sentences(p)]


def section_text(topic_id: str, heading: str) -> str:
    section = get_topic(topic_id).section(heading)
    assert section is not None, heading
    return flat(section.text)


def source_urls(topic_id: str) -> set[str]:
    return {str(s["url"]) for s in get_topic(topic_id).sources}


def service(service_id: str) -> dict[str, Any]:
    for path in sorted((content_dir() / "services").glob("*.yml")):
        for entry in load_yaml(path).get("services") or []:
            if entry["id"] == service_id:
                return dict(entry)
    raise KeyError(service_id)


def response_texts() -> list[str]:
    responses = load_yaml(content_dir() / "responses.yml")["responses"]
    return [
        flat(str(v["text"])) for variants in responses.values() for v in variants if "text" in v
    ]


# Each correction, with the source it rests on, in the topic's front matter.
@pytest.mark.parametrize(
    ("topic_id", "url"),
    [
        ("domestic-abuse", "https://respectphoneline.org.uk"),
        ("domestic-abuse", "https://www.nationaldahelpline.org.uk"),
        ("domestic-abuse", "https://www.policeconduct.gov.uk/"),
        (
            "intrusive-thoughts",
            "https://www.coventryrugbygpgateway.nhs.uk/pages/perinatal-mental-health/",
        ),
        (
            "intrusive-thoughts",
            "https://www.rcpsych.ac.uk/mental-health/problems-disorders/perinatal-ocd-for-carers",
        ),
        (
            "intrusive-thoughts",
            "https://www.covwarkpt.nhs.uk/perinatal-mental-health-professionals",
        ),
        ("dads", "https://www.covwarkpt.nhs.uk/perinatal-mental-health-professionals"),
        ("sleep-and-exhaustion", "https://www.lullabytrust.org.uk/safer-sleep-advice/"),
        ("crying-baby", "https://www.lullabytrust.org.uk/safer-sleep-advice/"),
        ("crying-baby", "https://iconcope.org/"),
        # "Is it too late?" (README, sixtieth session): PTSD is treatable years after.
        (
            "birth-experience",
            "https://www.nhs.uk/mental-health/conditions/post-traumatic-stress-disorder-ptsd/"
            "treatment/",
        ),
    ]
    + [
        (topic_id, url)
        for topic_id in POSTPARTUM_PSYCHOSIS_TOPICS
        for url in (
            "https://www.nhs.uk/mental-health/conditions/post-partum-psychosis/",
            "https://www.app-network.org/",
        )
    ],
)
def test_each_correction_names_its_source(topic_id, url):
    assert url in source_urls(topic_id)


# 1. Domestic abuse: the right line for the right person.
@pytest.mark.parametrize("where", ["body", "dads section", "sms_dads"])
def test_people_worried_about_their_own_behaviour_get_the_respect_phoneline(where):
    topic = get_topic("domestic-abuse")
    if where == "body":
        text = section_text("domestic-abuse", "How to get help")
    elif where == "dads section":
        text = section_text("domestic-abuse", DADS_HEADING)
    else:
        text = flat(topic.meta["sms_dads"])
    assert RESPECT_PHONELINE in text
    assert re.search(r"own behaviour|how you treat", text)


def test_no_one_worried_about_their_own_behaviour_is_sent_to_the_mens_advice_line():
    about_own_behaviour = [
        s for s in topic_sentences("domestic-abuse") if re.search(r"own behaviou?r", s, re.I)
    ]
    assert about_own_behaviour
    for sentence in about_own_behaviour:
        assert "Men's Advice Line" not in sentence and "0808 8010 327" not in sentence


def test_the_respect_phoneline_number_is_in_the_catalogue_but_never_offered_to_victims():
    entry = service("respect-phoneline")
    assert [p["number"] for p in entry["phones"]] == [RESPECT_PHONELINE]
    assert entry["source"].startswith("https://respectphoneline.org.uk")
    # A pending kite mark is never shown in a search, so a victim is never offered it.
    assert entry["kitemark"]["status"] == "pending"


def test_the_national_domestic_abuse_helpline_is_for_women_not_for_anyone():
    mentions = [
        s
        for s in topic_sentences("domestic-abuse") + response_texts()
        if "National Domestic Abuse Helpline" in s
    ]
    assert mentions
    for sentence in mentions:
        assert re.search(r"\bwomen\b", sentence, re.I), sentence
        assert "for anyone" not in sentence
    entry = service("national-domestic-abuse-helpline")
    assert "anyone" not in entry["description"] and "women" in entry["description"]
    assert "dads-and-partners" not in entry["audiences"]
    # The dads' SMS no longer offers a line for women.
    assert "National Domestic Abuse Helpline" not in get_topic("domestic-abuse").meta["sms_dads"]


# 2. The perinatal mental health team: women, pregnancy to 12 months, on a professional's referral.
def test_the_perinatal_team_entry_matches_its_remit():
    entry = service("cwpt-perinatal-mental-health")
    assert entry["audiences"] == ["mums"]
    assert "12-24-months" not in entry["stages"]
    assert "women" in entry["description"] and "12 months" in entry["description"]
    assert "referred by your GP, midwife or health visitor" in entry["description"]


@pytest.mark.parametrize("topic_id", topic_ids())
def test_the_perinatal_team_is_always_described_as_a_team_for_mums(topic_id):
    for paragraph in paragraphs(get_topic(topic_id)):
        if re.search(r"perinatal (mental health )?team", paragraph, re.I):
            assert "mums" in paragraph, paragraph
            assert "parents' mental health" not in paragraph


@pytest.mark.parametrize("topic_id", topic_ids())
def test_dads_are_pointed_to_their_gp_and_talking_therapies_not_the_perinatal_team(topic_id):
    topic = get_topic(topic_id)
    dads_texts = [section_text(topic_id, DADS_HEADING)]
    if topic_id == "dads":
        dads_texts = [flat(s.text) for s in topic.sections]
    for text in dads_texts:
        if "perinatal" in text.lower():
            assert "GP" in text and "Talking Therapies" in text
            assert not re.search(r"ask (your|the) perinatal", text, re.I)


def test_the_glossary_and_crisis_reply_do_not_send_dads_to_the_perinatal_team():
    glossary = load_yaml(content_dir() / "glossary.yml")["terms"]
    team = next(t for t in glossary if t["term"] == "perinatal mental health team")
    assert "women" in team["explanation"] and "12 months" in team["explanation"]
    assert "mums" in team["parent_words"]
    assert not any("GP or perinatal mental health team" in t for t in response_texts())


# 3. Postpartum psychosis: rare, sudden, partners notice first, and an emergency.
@pytest.mark.parametrize("topic_id", POSTPARTUM_PSYCHOSIS_TOPICS)
@pytest.mark.parametrize(
    "must_say",
    [
        "rare",
        "suddenly",
        "first few weeks after birth",
        "confused or racing thoughts",
        "strange beliefs",
        "seeing or hearing things",
        "sleeping",
        "very high or very low",
        "first to notice",
        "medical emergency",
        "call 999 or go to A&E",
        "If you are not sure, call NHS 111",
    ],
)
def test_postpartum_psychosis_is_explained_as_an_emergency(topic_id, must_say):
    paragraphs_about_it = [
        p for p in paragraphs(get_topic(topic_id)) if "Postpartum psychosis is" in p
    ]
    assert len(paragraphs_about_it) == 1
    assert must_say in paragraphs_about_it[0]


@pytest.mark.parametrize("topic_id", ["low-mood", "sleep-and-exhaustion"])
def test_dads_sections_tell_partners_they_may_notice_postpartum_psychosis_first(topic_id):
    dads = section_text(topic_id, DADS_HEADING)
    assert "postpartum psychosis" in dads and "999" in dads and "first to notice" in dads


# 4. Intrusive thoughts: fear of acting is not danger; wanting to act or planning is.
def test_fear_of_losing_control_is_not_sent_to_999():
    text = " ".join(topic_sentences("intrusive-thoughts"))
    assert "lose control" not in text and "fear you might act" not in text
    for sentence in topic_sentences("intrusive-thoughts"):
        if "999" in sentence:
            assert re.search(r"want to|plan", sentence), sentence


def test_frightening_thoughts_without_wanting_to_act_go_to_the_gp_soon():
    when = section_text("intrusive-thoughts", "When to get help")
    assert (
        "If the thoughts frighten you but you do not want to act on them, talk to your GP, "
        "health visitor or midwife soon." in when
    )
    assert "it can be treated" in when
    assert "put your baby somewhere safe and call 999" in when


# 5. Safe sleep, wherever a baby's sleep comes up.
@pytest.mark.parametrize("topic_id", SAFE_SLEEP_TOPICS)
@pytest.mark.parametrize(
    "line",
    [
        "never fall asleep with your baby on a sofa or armchair",
        "keep your baby in the same room as you for the first 6 months",
    ],
)
def test_safe_sleep_lines_are_present(topic_id, line):
    text = " ".join(paragraphs(get_topic(topic_id))).lower()
    assert line in text


# 6. The silent 999 call: 55 works from a mobile.
@pytest.mark.parametrize("where", [*topic_ids(), "responses.yml"])
def test_press_55_always_says_from_a_mobile(where):
    if where == "responses.yml":
        found = [s for t in response_texts() for s in sentences(t)]
    else:
        found = topic_sentences(where)
    for sentence in found:
        if re.search(r"(?<!\d)55(?!\d)", sentence):
            assert "call 999 from a mobile and press 55 when asked" in sentence, sentence


def test_the_silent_call_is_still_explained_where_it_matters():
    assert any("from a mobile and press 55" in s for s in topic_sentences("domestic-abuse"))
    # the emergency, overdose, abuse and medical crisis replies, the ways to get help now (for
    # the writer, after tablets taken and for someone else), the abuse follow-up, and the abuse
    # reply's SMS words
    assert sum("from a mobile and press 55" in t for t in response_texts()) == 9


def test_the_abuse_crisis_reply_answers_a_partner_who_checks_the_phone():
    # "he checks my phone, will he see this": one message, both worries, one turn.
    abuse = [t for t in response_texts() if "It is not your fault" in t and "press 55" in t]
    # In the chat it is "delete this chat"; by SMS there is no chat, only texts on the phone.
    chat = flat(pick_variation("utter_safety", {"safety_response": "abuse"})["text"])
    sms = flat(pick_variation("utter_safety", {"safety_response": "abuse"}, SMS_CHANNEL)["text"])
    assert len(abuse) == 2 and {chat, sms} == set(abuse)
    assert "If someone checks your phone, delete this chat when you're done." in chat
    assert "If someone checks your phone, delete these texts when you're done." in sms
    assert chat.split(" If someone checks")[0] == sms.split(" If someone checks")[0]


# 7. ICON in the dads' section of the crying topic.
def test_the_icon_message_is_in_the_dads_section_of_crying_baby():
    section = get_topic("crying-baby").section(DADS_HEADING)
    assert section is not None
    items = [flat(line[2:]) for line in section.text.splitlines() if line.startswith("- ")]
    assert [item.split(".")[0] for item in items] == [
        "Infant crying is normal",
        "Comforting methods can help",
        "It's OK to walk away",
        "Never, ever shake a baby",
    ]
    walk_away = items[2]
    assert "cot" in walk_away and "few minutes" in walk_away and "check on them" in walk_away


# 8. NHS 111's mental health option is not for crying or sleep problems.
@pytest.mark.parametrize("need", ["crying-baby", "sleep-and-exhaustion"])
def test_nhs_111_mental_health_is_not_tagged_for_crying_or_sleep(need):
    assert need not in service("nhs-111-mental-health")["needs"]


@pytest.mark.parametrize(
    ("service_id", "number", "always"),
    [
        # The free phone line the 2017 workshop asked for: Wellbeing for Warwickshire, 24/7.
        ("wellbeing-for-warwickshire", "0800 616171", True),
        ("refuge-warwickshire", "0800 408 1552", False),
        ("galop", "0800 999 5428", False),
    ],
)
def test_checked_local_and_national_lines(service_id, number, always):
    entry = service(service_id)
    phone = next(p for p in entry["phones"] if p["number"] == number)
    assert phone["source"].startswith(("https://", "http://"))
    assert (entry.get("schedules") == "always") is always
    assert entry["last_verified"] and entry["source"]


def test_services_from_old_pages_tell_parents_to_check():
    for service_id in ("saturdads-rugby", "parenting-project-rugby"):
        entry = service(service_id)
        assert entry["source_dated"].year <= 2022
        assert (
            "still run" in entry["description"]
            or "ask your family centre" in entry["description"].lower()
        )


# 8. "How do I delete this chat?" gets the steps for the channel it came from (a user test).
@pytest.mark.parametrize(
    ("channel", "steps"),
    [("web_chat", ["press Clear chat", "Quick exit"]), ("twilio", ["delete these texts"])],
)
def test_the_privacy_answer_says_how_to_clear_the_chat_on_each_channel(channel, steps):
    [variation] = [v for v in get_responses()["utter_privacy"] if v.get("channel") == channel]
    assert all(step in flat(variation["text"]) for step in steps)
    # What is deleted when is told straight: the server's copy goes after 30 days.
    assert "30 days" in variation["text"]


def test_every_crisis_reply_but_the_default_has_its_own_follow_up():
    # The follow-up speaks to the crisis that was answered: after the reply about losing
    # control with the baby it says to put the baby down, not the writer's own default.
    from cradle.safety.result import RESPONSES

    follow_up = get_responses()["utter_safety_follow_up"]
    answered = {c["value"] for v in follow_up for c in v.get("condition", [])}
    assert set(RESPONSES) - answered == {"urgent", "support", "check"}


def test_fear_of_birth_names_support_and_the_right_to_ask_for_a_caesarean_with_nice_cited():
    # The fourth user test: a pregnant mum afraid of birth, asking about a caesarean, got only
    # the general pregnancy text. NICE NG192: offer perinatal mental health support, then a
    # planned caesarean if a vaginal birth is still not acceptable.
    topic = get_topic("pregnancy-wellbeing")
    text = " ".join(topic_sentences("pregnancy-wellbeing"))
    assert "scared of giving birth" in text
    assert "ask for a caesarean" in text and "offer you one if you still want it" in text
    assert "https://www.nice.org.uk/guidance/ng192" in [s["url"] for s in topic.meta["sources"]]


# README, "Tiredness in pregnancy is not told 'Rest when baby sleeps'": no stage is known in a
# conversation, so a first answer of a topic for pregnancy should fit it. Words that speak of a
# baby already born, and the first answers found with them, left for the panel to reword.
AFTER_THE_BIRTH = re.compile(
    r"\b(baby sleeps|when (your )?baby|cuddl\w*|feeds?|feeding|nappy|nappies|cot|pram|buggy"
    r"|newborn|step away|since the birth|after the birth)\b",
    re.IGNORECASE,
)
FOR_THE_PANEL = {("bonding", "sms"), ("sleep-and-exhaustion", "sms_helping")}


def test_first_answers_of_topics_for_pregnancy_do_not_assume_the_baby_is_born():
    found = {
        (topic_id, key)
        for topic_id in topic_ids()
        if "pregnancy" in (get_topic(topic_id).meta.get("stages") or [])
        for key in SHORT_TEXT_KEYS
        if AFTER_THE_BIRTH.search(flat(str(get_topic(topic_id).meta.get(key) or "")))
    }
    assert found == FOR_THE_PANEL
    first = flat(get_topic("sleep-and-exhaustion").short_text())
    assert "Rest when you can" in first and not AFTER_THE_BIRTH.search(first)


@pytest.mark.parametrize("topic_id", topic_ids())
def test_no_text_promises_a_baby_is_never_taken_away(topic_id):
    # No one can promise it (Tommy's, "Will my baby be taken away?"): "not a reason" is what the
    # sources say (README, the fear of a baby taken; the thirtieth user test, fifty-ninth session).
    topic = get_topic(topic_id)
    said = paragraphs(topic) + [flat(f.sms) for f in topic.focuses]
    said += response_texts() + [
        flat(str(m)) for m in load_yaml(content_dir() / "responses.yml")["messages"].values()
    ]
    assert not [p for p in said if re.search(r"\bnever (be )?taken (away|into care)\b", p, re.I)]


# "Is it PTSD?" and "is it too late?" after a hard birth (the thirty-second user test's mum;
# README, sixtieth session).
@pytest.mark.parametrize(
    ("heading", "must_say"),
    [
        ("What this is", "post-traumatic stress disorder (PTSD)"),
        ("When to get help", "not too late"),
    ],
)
def test_the_birth_topic_names_ptsd_and_says_it_is_not_too_late(heading, must_say):
    section = get_topic("birth-experience").section(heading)
    assert section is not None and must_say in flat(section.text)


# "What will the health visitor actually do?" (the thirty-second user test's mum; README,
# sixty-first session): said in "How to get help", with the page that says it among the sources.
@pytest.mark.parametrize("must_say", ["They won't judge you", "you decide together"])
def test_how_to_get_help_says_what_happens_when_you_tell_them(must_say):
    topic = get_topic("asking-for-help")
    section = topic.section("How to get help")
    assert section is not None and must_say in flat(section.text)
    assert any("if-i-tell-my-midwife-i-feel-low" in s["url"] for s in topic.sources)


# "Would they take her into hospital? Would she have to go on her own?" (the thirty-third user
# test's dad; README, sixty-first session): said in "How to get help", with its source.
def test_how_to_get_help_says_a_mother_and_baby_unit_keeps_the_baby_with_her():
    topic = get_topic("low-mood")
    section = topic.section("How to get help")
    assert section is not None and "mother and baby unit" in flat(section.text)
    assert "stays with her baby" in flat(section.text)
    assert any("app-network.org/what-is-pp/getting-help" in s["url"] for s in topic.sources)
