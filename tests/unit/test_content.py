"""Topic files: every topic exists, parses, speaks to dads, and renders per channel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cradle.content import (
    ContentError,
    find_focus,
    get_topic,
    intent_for_topic,
    parse_topic,
    topic_for_intent,
    topic_ids,
)
from cradle.paths import content_dir
from cradle.replies import section_key, section_messages, topic_messages
from cradle.sms import for_sms, segments
from tests.conftest import add_topic

SECTIONS = [
    "What this is",
    "You're not alone",
    "What can help today",
    "When to get help",
    "How to get help",
    "For dads and partners",
    "For family and friends",
]


@pytest.mark.parametrize("topic_id", topic_ids())
def test_every_topic_file_has_the_agreed_shape(topic_id):
    topic = get_topic(topic_id)
    assert topic.id == topic_id
    assert [s.heading for s in topic.sections] == SECTIONS
    assert all(s.text for s in topic.sections)
    assert topic.sources and all(s["url"].startswith("https://") for s in topic.sources)
    # Approved only with a recorded review; whether a draft is shown is tested in test_actions.
    assert topic.status in ("draft", "approved")
    assert topic.status == "draft" or topic.meta["review"]


# The SMS menu numbers topics by their `order` (MENU, then "10" for a crying baby). Parents may
# learn the numbers, so a new topic takes the next one and these never move.
SMS_MENU_NUMBERS = {
    1: "low-mood",
    2: "anxiety",
    3: "intrusive-thoughts",
    4: "bonding",
    5: "dads",
    6: "relationships",
    7: "domestic-abuse",
    8: "birth-experience",
    9: "sleep-and-exhaustion",
    10: "crying-baby",
    11: "asking-for-help",
    12: "pregnancy-wellbeing",
    13: "feeling-alone",
}


@pytest.mark.parametrize("topic_id", topic_ids())
def test_a_part_warning_of_postpartum_psychosis_names_its_signs(topic_id):
    # "Not like themselves, call 999" sent a grandmother whose daughter was low and "not
    # herself" to 999 (the twenty-second user test; README, fifty-second session).
    for section in get_topic(topic_id).sections:
        if "postpartum psychosis" in section.text and "999" in section.text:
            assert "not like themselves" not in section.text, (topic_id, section.heading)
            signs = ("things that are not there", "things that are not true")
            assert any(sign in section.text for sign in signs), (topic_id, section.heading)


def test_existing_topics_keep_their_sms_menu_numbers():
    ids = topic_ids()
    assert {number: ids[number - 1] for number in SMS_MENU_NUMBERS} == SMS_MENU_NUMBERS


def test_topic_ids_come_from_the_files_in_order_and_see_a_new_file(tmp_path):
    topics = tmp_path / "topics"
    shutil.copytree(content_dir() / "topics", topics)
    before = topic_ids(topics)
    add_topic(topics, "a-new-topic", order=99)  # first by name, last by order
    assert topic_ids(topics) == (*before, "a-new-topic")
    assert get_topic("a-new-topic", topics).title == "A new topic"
    (topics / "a-new-topic.md").unlink()
    assert topic_ids(topics) == before


@pytest.mark.parametrize("topic_id", topic_ids())
def test_intents_and_topic_ids_map_both_ways(topic_id):
    assert topic_for_intent(intent_for_topic(topic_id)) == topic_id


@pytest.mark.parametrize("intent", ["greet", "ask_capabilities", "ask_nothing", None, "ask_"])
def test_non_topic_intents_have_no_topic(intent):
    assert topic_for_intent(intent) is None


def test_web_answer_is_the_title_and_the_short_text_then_sources_on_request():
    topic = get_topic("anxiety")
    messages = topic_messages(topic, None)
    assert messages[0]["text"] == f"{topic.title}\n{topic.short_text()}"
    assert messages[-1] == {"custom": {"cradle": {"topic": "anxiety"}}}
    sources = section_messages(topic, "sources", None, ["sources"])[0]["text"]
    assert sources.startswith("Where this comes from") and "https://www.nhs.uk" in sources


def test_sms_answer_is_the_short_text():
    topic = get_topic("crying-baby")
    messages = for_sms([*topic_messages(topic, None)[:-1], {"custom": {"topic": topic.id}}])
    assert messages[0]["text"] == topic.sms_text()
    assert "Never shake a baby" in messages[0]["text"]


def _all_focuses():
    return [(t, f.id) for t in topic_ids() for f in get_topic(t).focuses]


@pytest.mark.parametrize(("topic_id", "focus_id"), _all_focuses())
def test_a_focus_answer_by_sms_is_its_short_text_alone_in_one_segment(topic_id, focus_id):
    # README, fifty-first session: with its title, 25 of 26 took two segments.
    topic = get_topic(topic_id)
    focus = next(f for f in topic.focuses if f.id == focus_id)
    web = topic_messages(topic, None, focus)
    assert web[0]["text"].startswith(focus.title)  # the web chat keeps it
    sms = for_sms([*web[:-1], {"custom": {"topic": topic.id}}])[0]["text"]
    assert sms == focus.sms and segments(sms) == 1


def test_dads_get_dads_wording():
    topic = get_topic("low-mood")
    web = topic_messages(topic, "dad-or-partner")[0]["text"]
    assert "Dads and partners" in web
    assert topic.more_order("dad-or-partner")[0] == "dads"  # "Tell me more" starts there
    assert topic.more_order(None)[-1] == "dads"
    sms = for_sms([*topic_messages(topic, "dad-or-partner")[:-1], {"custom": {"topic": topic.id}}])[
        0
    ]["text"]
    assert sms.startswith("Dads and partners")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("no front matter\n", 1),
        ("---\nid: [unclosed\n---\n## What this is\nx\n", 2),
        ("---\nid: x\n---\nstray text\n## What this is\nx\n", 4),
    ],
)
def test_malformed_topic_files_name_the_line(text, line):
    with pytest.raises(ContentError) as err:
        parse_topic(text, Path("content/topics/x.md"))
    assert err.value.line == line
    assert str(err.value).startswith(f"content/topics/x.md:{line}")


# A worry within a topic with a first answer of its own: "scared of giving birth" is found in
# the parent's words, and a birth already behind her is not (that is a hard birth, its own topic).
@pytest.mark.parametrize(
    ("text", "focus"),
    [
        ("im terrified of giving birth", "fear-of-birth"),
        ("34 weeks and so scared about the birth after my friend told me hers", "fear-of-birth"),
        ("Im dreading labour", "fear-of-birth"),
        ("i dont want to give birth, can i have a c section", "fear-of-birth"),
        ("scared of giving birth again after last time", "fear-of-birth"),
        # The fourteenth user test's mum, and the grammar around it (thirty-ninth session).
        (
            "Hi, I'm 30 weeks pregnant with my second. My first birth was really frightening and"
            " I keep having panic attacks thinking about going through it again. I don't really"
            " know who to talk to",
            "fear-of-birth",
        ),
        ("i want a planned c section because of what happened last time", "fear-of-birth"),
        ("the thought of labour terrifies me", "fear-of-birth"),
        ("really anxious about tearing", "fear-of-birth"),
        ("my first birth was awful and im scared ill get pnd again", None),
        ("my birth was traumatic, i keep having flashbacks", None),
        ("still scared since the birth", None),
        ("my birth was frightening", None),
        ("worried about registering the birth", None),
        ("scared about my baby's weight", None),
        # The fifth user test: a person, now.
        ("Can I talk to a real person?", "talk-to-a-person"),
        ("is there a real person i can talk to", "talk-to-a-person"),
        ("i want to talk to someone", None),  # the topic's own answer says who
        # The sixth user test: the fear that asking for help means the baby is taken away.
        ("if i tell my hv will social services take him off me", "fear-of-baby-taken"),
        ("taken away?? they can take my baby if i say i am crying??", "fear-of-baby-taken"),
        ("will they take my baby if i say im not coping", "fear-of-baby-taken"),
        ("scared my kids will be taken into care if i get help", "fear-of-baby-taken"),
        # A partner who uses social services as a threat: the domestic abuse topic answers.
        ("he threatens to tell social services im a bad mum", None),
        ("my partner says social services will take the baby if i report him", None),
        # Everyday taking.
        ("can you take my baby for a walk", None),
        ("will they take my baby to the park at nursery", None),
        # The sixth user test: drinking to cope, the writer's or a partner's.
        ("im drinking too much since the baby", "drinking-to-cope"),
        ("my husband drinks every night since the baby came", "drinking-to-cope"),
        ("worried i rely on wine to get through the evenings", "drinking-to-cope"),
        ("he gets aggressive when hes been drinking every night", None),  # abuse
        ("my baby drinks too much milk", None),
        # Drinking before knowing about the pregnancy is the pregnancy topic's own answer.
        ("im 20 weeks and drank a lot before i knew", "drinking-before-knowing"),
        # The sixth user test: a dad about his partner, not the baby crying. Feeling like a bad
        # parent, the writer's own or someone close's; not someone else's parenting judged, the
        # writer's own parents, scary thoughts, the bond, or fear of a professional's judgement.
        ("she just cries and says shes a bad mum", "feeling-bad-parent"),
        ("i feel like the worst dad", "feeling-bad-parent"),
        ("im failing as a parent", "feeling-bad-parent"),
        ("pregnant and scared ill be a terrible mother", "feeling-bad-parent"),
        ("hes a useless dad, never gets up with her", None),
        ("my dad was a rubbish father", None),
        ("these horrible thoughts, am i a bad mum", None),
        ("i dont feel any love for him, am i a bad mum", None),
        ("scared my midwife will think im a bad mum", None),
        ("she had a bad night and so did mum", None),
        ("my husband keeps telling me im a useless mum", None),
        ("he calls me a rubbish mum in front of the kids", None),
        ("she told me shes a terrible mum and cried", "feeling-bad-parent"),
        # Read first (low mood comes first), it leaves the fear of the baby taken its own answer.
        ("if i tell the hv im a bad mum will social services get involved", "fear-of-baby-taken"),
        # The seventh user test: a 17-year-old, read as a dad by the NLU ("mum n dad"). The age
        # must be the person's and go with a pregnancy or a baby: not the weeks or the baby's age.
        ("im 17 and pregnant and havent told my mum n dad", "young-parent"),
        ("will the gp tell my parents?", "young-parent"),
        ("I’m 16 and my girlfriend is pregnant", "young-parent"),
        ("teen mum, everyone stares at me", "young-parent"),
        ("people say im too young to be a mum", "young-parent"),
        ("pregnant and in year 11, what happens with school", "young-parent"),
        ("im 17 weeks pregnant and so tired", None),
        ("my 16 week old wont settle", None),
        ("shes 18 months and im pregnant again", None),
        ("is she too young for a dummy", None),
        ("im 16+3 and spotting", None),
        # The eighth user test's young parents (their words, not a frozen set).
        ("hi um my gf is pregnant 12 weeks. were both 16. what happens now", "young-parent"),
        ("will the school get told about it. does the midwife tell our parents", "young-parent"),
        ("ok but seriously will school find out. i have exams", "young-parent"),
        ("everyone at college judges me coz im young", "young-parent"),
        ("will the school find out hes been poorly", None),
        # A young mum scared of the birth gets the birth's own answer (pregnancy, read later).
        ("im 17 and terrified of giving birth", "fear-of-birth"),
        # The seventh user test: never answered. Adults can refer themselves to NHS Talking
        # Therapies; not other referrals or the wait after a GP's.
        ("can talking therapies help me? can i refer myself", "self-referral"),
        ("do i need a gp referral for counselling", "self-referral"),
        ("how do i get talking therapy without going to my doctor", "self-referral"),
        ("can my wife self refer to iapt", "self-referral"),
        # The eighth user test's follow-ups (her words, not a frozen set).
        # Asks about the wait too: the veto for a wait keeps it to the list (see its comment).
        ("how do i actually refer myself tho, is there a number? and how long is the wait", None),
        (
            "talking therapies, do i need to be referred by my gp or can i just phone them?",
            "self-referral",
        ),
        ("can i self refer to physio after the birth", None),
        ("gp referred me to talking therapies, how long is the wait", None),
        ("can you refer me to a baby group", None),
        # The fourteenth user test's mum (not a frozen set): the midwife who refers is not a
        # referral to a midwife, which stays with first steps in pregnancy.
        (
            "nothing came up there. do i have to go through my GP to get someone to talk to or"
            " can my midwife refer me? or can i refer myself",
            "self-referral",
        ),
        ("can my health visitor refer me to talking therapies", "self-referral"),
        ("can i refer myself to the midwife", "pregnancy-first-steps"),
        ("can i self refer to maternity services", "pregnancy-first-steps"),
        ("what is cbt like", None),
        # The eighth user test: "can't get a GP appointment" was told "see your GP" three
        # times. Not the baby's jabs or checks, an appointment that is booked, or the wait after
        # a referral. Asking for counselling too gets the self-referral answer (read first).
        ("the doctors is always fully booked", "no-gp-appointment"),
        ("rang the surgery at 8am and all the appointments were gone", "no-gp-appointment"),
        ("im not registered with a gp since we moved", "no-gp-appointment"),
        ("what else can i do if i cant see my gp", "no-gp-appointment"),
        ("can I get counselling? I cant get a GP appointment for weeks", "self-referral"),
        ("my gp appointment is on tuesday", None),
        ("can't get my baby's jabs booked at the doctors", None),
        # The same test's 16-year-old asked "what happens now", never answered. First steps:
        # a midwife without a GP first. Not later in pregnancy, "am I pregnant?", or telling
        # family; a young parent's own answer is read first.
        ("just found out im pregnant what do i do first", "pregnancy-first-steps"),
        ("do i need to see the gp first now im pregnant", "pregnancy-first-steps"),
        ("how do i get a midwife", "pregnancy-first-steps"),
        ("positive test this morning!! who do i contact", "pregnancy-first-steps"),
        ("im 16 and pregnant what happens now", "young-parent"),
        ("just found out im pregnant, how do i tell my mum", None),
        ("we have our 20 week scan, what happens next", None),
        ("think im pregnant what do i do", None),
        # The ninth user test's words (not a frozen set); not a baby's rash.
        (
            "just did a test and its positive?? i dont even know who im meant to tell first like"
            " do i go gp or midwife or what",
            "pregnancy-first-steps",
        ),
        ("should i ring the gp or the midwife about my babys rash", None),
        (
            "any way to get a same day GP appointment? or should I just ring 111",
            "no-gp-appointment",
        ),
        # The ninth user test (not a frozen set): a single mum's nights, and a grandmother.
        ("how do people do night feeds with nobody to take a turn?", "single-parent-nights"),
        ("single dad here, doing every night feed on my own", "single-parent-nights"),
        ("we take turns with the night feeds but im still shattered", None),
        ("single mum, how do i claim universal credit", None),
        ("How do I raise it without upsetting her?", "raising-a-worry"),
        ("shes not herself since the baby, should i say something?", "raising-a-worry"),
        ("how do i tell my mum im pregnant", None),
        ("how do i talk to my toddler about the new baby", None),
        # The tenth user test's sister (not a frozen set).
        (
            "what do I actually say though? if I say 'are you depressed' he'll say he's fine",
            "raising-a-worry",
        ),
        ("should i talk to his wife about it first or go straight to him?", "raising-a-worry"),
        # The eleventh user test's grandmother (not a frozen set), and the writer's own upset.
        (
            "what do i actually say to her tho? i dont want to upset her or make her feel shes "
            "failing",
            "raising-a-worry",
        ),
        ("im so upset, what do i say to my partner", None),
        # The ninth user test's dad (not a frozen set): afraid it would get back to his partner.
        ("would it get back to the missus health visitor", "keeping-it-private"),
        ("if i see the gp about my mood will my wife be told", "keeping-it-private"),
        ("is counselling confidential?", "keeping-it-private"),
        ("will the gp tell my parents?", "young-parent"),  # a teenager's answer, read first
        ("is this chat private?", None),  # Cradle's own privacy answer
        ("how do i tell my wife im struggling", None),
        ("can i get a copy of my medical records", None),
        # The tenth user test (not a frozen set): a newly pregnant woman who drank before she
        # knew got the domestic abuse topic. Not drinking now, to cope, or while breastfeeding.
        (
            "I drank a lot at a party before I knew I was pregnant, could it have harmed the baby?",
            "drinking-before-knowing",
        ),
        ("so is drinking before i knew bad or not", "drinking-before-knowing"),
        ("is it ok to have a glass of wine at 30 weeks pregnant", None),
        ("can i have a drink while breastfeeding", None),
        ("i had a drink and before i knew it i'd had a bottle", None),
        # Issue 12 ("can men get postnatal depression" read as low mood) and the tenth user
        # test's dad. Not a mum's own, or a dad asking how to support his partner's (that has
        # its own answer since the forty-third session).
        ("can men get postnatal depression", "dads-get-it-too"),
        ("is the anger part of it tho? i thought PND was a mum thing", "dads-get-it-too"),
        ("my wife has pnd how do i support her", "supporting-a-partner"),
        ("do i have postnatal depression", None),
        # The twelfth user test's young dad (not a frozen set): got the topic on scary thoughts
        # about a baby. Someone else's suicidal words with a helper's question; not the
        # writer's own, a break-up, or "what's the point" of everyday things.
        (
            "should i just ask him straight out if hes thinking of topping himself? or does that "
            "put the idea in his head",
            "asking-about-suicide",
        ),
        ("how do i ask my wife if shes suicidal", "asking-about-suicide"),
        (
            "she keeps saying we'd all be better off without her, what do i do",
            "asking-about-suicide",
        ),
        ("im suicidal, should i tell my gp", None),
        ("i want to die, what do i say to my husband", None),
        ("im thinking of ending it with him, what do i say", None),
        ("whats the point of tummy time, should i ask my hv", None),
        ("what do i say to my partner, shes been really down", "raising-a-worry"),
        # The eighteenth user test's pregnant 19-year-old (not a frozen set), and my own near
        # misses: medicine, the baby's own crying, anxiety with no question about the baby.
        (
            "thanks the breathing thing might help. but can panic attacks actually hurt the "
            "baby?? ive been googling and freaking myself out",
            "stress-harms-baby",
        ),
        ("is stress bad for the baby", "stress-harms-baby"),
        ("can the baby feel it when i panic", "stress-harms-baby"),
        ("is sertraline safe, will it harm the baby", "medicine-for-mental-health"),
        ("my baby keeps crying and its stressing me out, is that bad for her", None),
        ("i get panic attacks in the supermarket", None),
        # The fourteenth user test's mum (not a frozen set), and my own near misses: tidiness
        # as a joke, a toddler's habits, ordinary checking, someone's OCD with no question.
        (
            "is this ocd?? i check the stair gate like 10 times before bed and i cant stop",
            "is-it-ocd",
        ),
        ("i keep checking hes breathing over and over", "is-it-ocd"),
        ("could my wife have ocd, she washes the bottles again and again", "is-it-ocd"),
        ("i had ocd as a teen and its back now im pregnant", "is-it-ocd"),
        # The seventeenth user test's mum (not a frozen set), and my own near misses.
        (
            "can u tell me more about the scary thoughts thing. is it like ocd or something. my "
            "mum had that",
            "is-it-ocd",
        ),
        ("is this like ocd or am i going mad", "is-it-ocd"),
        ("my house is like ocd level clean lol", None),
        ("im like ocd about my kitchen", None),
        ("im a bit ocd about my nappy drawer lol", None),
        ("my toddler keeps lining his cars up over and over", None),
        ("how often should i check the baby at night", None),
        ("my brother has ocd, is it genetic?", None),
        # The fourteenth user test's dad (not a frozen set), and my own near misses: a partner's
        # temper at the writer (that can be abuse), a baby's, the baby snapped at, long ago.
        (
            "also ive been really snappy with my missus. short tempered over nothing, then i feel"
            " like crap about it. is that a dad thing too",
            "own-short-temper",
        ),
        ("i keep snapping at my wife over nothing", "own-short-temper"),
        ("my temper is so short since the baby", "own-short-temper"),
        ("my husband is so snappy with me all the time", None),
        ("she snaps at me constantly", None),
        ("the baby is so grumpy today", None),
        ("i snapped at the baby and feel awful", None),
        ("my dad had a short temper when i was a kid", None),
        ("im so snappy with him, i pushed him yesterday", None),
        # Anger about the birth is not a short temper (the thirty-second user test's mum;
        # README, sixtieth session).
        (
            "i cant even drive past the hospital anymore i go the long way round. and im so angry"
            " it all went wrong. what even is this",
            None,
        ),
        ("im so angry at the midwives for how my labour went", None),
        ("ive been so snappy with my partner since the birth", "own-short-temper"),
        # Twins (the fourteenth user test's mum, not a frozen set), and my own near misses.
        ("just found out its twins and im terrified how will i cope", "twins-or-more"),
        ("we have twins and i feel so alone", "twins-or-more"),
        ("do twins run in families", None),
        ("im a twin myself and expecting, how do i cope", None),
        ("my twins have a rash and im struggling, should i ring 111", None),
        # Medicine for her mental health (the fifteenth user test's mum at 34 weeks, not a
        # frozen set), and my own near misses: the baby's medicine, pain relief, the pill.
        (
            "should i stop taking my sertraline before the baby comes? i read it can make babies"
            " jittery",
            "medicine-for-mental-health",
        ),
        (
            "thats not what i asked. is it safe to take antidepressants in pregnancy or should i"
            " come off them",
            "medicine-for-mental-health",
        ),
        ("medication", "medicine-for-mental-health"),
        ("can my midwife help with the meds question", "medicine-for-mental-health"),
        ("can i give calpol to my baby", None),
        ("the baby is on meds for reflux", None),
        ("is paracetamol ok when breastfeeding", None),
        ("im on the pill and might be pregnant", None),
        # After a hard start (the fifteenth user test's mum, baby ten days in neonatal intensive
        # care, not a frozen set), and my own near misses: no hard start, practical questions.
        (
            "but i missed the first 10 days, i couldnt even hold her properly. have i missed the"
            " bonding window?",
            "bonding-after-a-hard-start",
        ),
        (
            "she was taken to special care straight away and i still dont feel bonded",
            "bonding-after-a-hard-start",
        ),
        ("i dont feel anything for my baby", None),
        ("what are the visiting hours on nicu", None),
        ("we love the nicu nurses", None),
        # Supporting a partner (the fifteenth user test's night-shift dad, not a frozen set),
        # and my own near misses: a sister, the writer's own, raising it, a body's recovery.
        (
            "ok thanks. also how do i help my partner with her pnd, i feel like everything i do"
            " is wrong",
            "supporting-a-partner",
        ),
        ("my wife has postnatal depression, what can i do", "supporting-a-partner"),
        ("supporting my girlfriend through antenatal anxiety, any tips?", "supporting-a-partner"),
        ("my sister has pnd how can i help her", None),
        ("i think i have pnd, how do i help myself", None),
        ("what do i say to my partner, she has pnd", "raising-a-worry"),
        ("can dads get pnd too? my wife has it, how do i cope", "dads-get-it-too"),
        ("my wife had a c section, how can i help her recover", None),
        ("oh how do i help with her anxiety", None),
        (
            "my missus has been so low since the baby came, what can i do for her",
            "supporting-a-partner",
        ),
        ("my wife isnt coping and i dont know how to help", "supporting-a-partner"),
        ("my wife is fine but im so low, what can i do", None),
        ("me and my wife are shattered, he cries all the time, how do we cope", None),
        ("my husband is struggling with the c section recovery, how can i help", None),
        ("my partner is stressed about the weaning, any tips", None),
        # Bickering, abuse ruled out (the fifteenth user test's mum, not a frozen set), and my
        # own near misses: fear, hitting, control, asking whether it is abuse, a toddler, a mum.
        (
            "why is there a domestic abuse one?? its nothing like that, hes not violent we just"
            " bicker and snap at each other",
            "everyday-arguments",
        ),
        ("me and my husband keep arguing since the baby", "everyday-arguments"),
        ("arguing with my partner constantly", "everyday-arguments"),
        ("he is violent when we argue", None),
        ("we argue and he hits me", None),
        ("we argue all the time and im scared of him", None),
        ("he checks my phone and we argue about it", None),
        ("is it abuse if we argue every day", None),
        ("my toddler and his sister fight all day", None),
        ("i keep arguing with my mum about the baby", None),
        ("i keep snapping at my wife over nothing", "own-short-temper"),
        ("my wife has pnd and im exhausted, how can i help her", "supporting-a-partner"),
        ("my wife is fine but im struggling", None),
        # A warning sign in pregnancy (the sixteenth user test's mum, not a frozen set), and my
        # own near misses: after the birth, gums, a first-steps question, no pregnancy word.
        ("im bleeding a bit and im 12 weeks pregnant. who do i call", "warning-sign-in-pregnancy"),
        ("34 weeks and havent felt the baby move today", "warning-sign-in-pregnancy"),
        ("pregnant and my waters are leaking i think", "warning-sign-in-pregnancy"),
        ("still bleeding after the birth, baby is 3 weeks old", None),
        ("my gums keep bleeding since i got pregnant", None),
        ("im 8 weeks pregnant, who do i call first", "pregnancy-first-steps"),
        ("a tiny bit of brown when i wiped", None),  # no word for the pregnancy: not read
        # Toddler tantrums (README, fiftieth session; not a frozen set), and my own near misses:
        # a young baby, an adult's tantrum or kicking off, the writer's own meltdown.
        ("my 20 month old has massive tantrums every time i say no", "tantrums"),
        ("how do i cope with the terrible twos", "tantrums"),
        ("he throws himself on the floor in the shop and screams", "tantrums"),
        ("my son kicks off every bedtime and im worn out", "tantrums"),
        ("my toddler keeps hitting me when i tell him no", "tantrums"),
        ("my 6 week old screams every evening, is it colic", None),
        ("my husband has tantrums when he doesnt get his way", None),
        ("my ex kicks off when i drop our son off", None),
        ("i had a meltdown at work today", None),
        # Pregnant again after being unwell last time (README, fifty-ninth session; the
        # twenty-ninth user test's mum, not a frozen set), and my own near misses: a first
        # pregnancy, low now with no past, a relative's past, physical problems last time, the
        # birth itself, unwell now with the baby here, a first question about booking in.
        (
            "im 7 months pregnant with my second. after my first i was really low and nobody "
            "noticed. im scared its going to happen again",
            "unwell-last-time",
        ),
        ("had pnd with my first, now pregnant again, what should i do", "unwell-last-time"),
        (
            "my wife had postnatal depression after our son, shes expecting again",
            "unwell-last-time",
        ),
        ("will the pnd come back this pregnancy", "unwell-last-time"),
        ("i've had pnd before, just found out im pregnant. who do i tell", "unwell-last-time"),
        ("trying for baby number 2 but i wasnt myself for months after my son", "unwell-last-time"),
        ("im pregnant with my first and scared of getting pnd", None),
        ("im pregnant again and feeling really low", None),
        ("my mum had pnd after me, im pregnant now, will i get it", None),
        ("last time i had a c section and pre eclampsia, im pregnant again and worried", None),
        ("my last birth was horrific and im terrified of giving birth again", "fear-of-birth"),
        ("i've had pnd since my son was born, he's 5 months", None),
        ("just found out im pregnant what do i do now", "pregnancy-first-steps"),
    ],
)
def test_a_focus_is_found_in_the_parents_words(text, focus):
    found = find_focus(text)
    assert (found[1].id if found else None) == focus
    if found:
        topic = {
            "fear-of-birth": "pregnancy-wellbeing",
            "talk-to-a-person": "asking-for-help",
            "fear-of-baby-taken": "asking-for-help",
            "drinking-to-cope": "low-mood",
            "feeling-bad-parent": "low-mood",
            "young-parent": "asking-for-help",
            "self-referral": "asking-for-help",
            "no-gp-appointment": "asking-for-help",
            "pregnancy-first-steps": "pregnancy-wellbeing",
            "single-parent-nights": "sleep-and-exhaustion",
            "raising-a-worry": "asking-for-help",
            "asking-about-suicide": "asking-for-help",
            "keeping-it-private": "asking-for-help",
            "drinking-before-knowing": "pregnancy-wellbeing",
            "dads-get-it-too": "dads",
            "is-it-ocd": "intrusive-thoughts",
            "own-short-temper": "relationships",
            "twins-or-more": "sleep-and-exhaustion",
            "medicine-for-mental-health": "low-mood",
            "bonding-after-a-hard-start": "bonding",
            "supporting-a-partner": "low-mood",
            "everyday-arguments": "relationships",
            "warning-sign-in-pregnancy": "pregnancy-wellbeing",
            "stress-harms-baby": "anxiety",
            "tantrums": "crying-baby",
            "unwell-last-time": "pregnancy-wellbeing",
        }
        assert found[0] == topic[focus]


@pytest.mark.parametrize(
    "topic_id",
    [
        "pregnancy-wellbeing",
        "asking-for-help",
        "low-mood",
        "sleep-and-exhaustion",
        "dads",
        "bonding",
        "crying-baby",
    ],
)
def test_a_focus_answer_has_its_own_title_and_text_then_the_topics_buttons(topic_id):
    topic = get_topic(topic_id)
    assert topic.focuses
    for focus in topic.focuses:
        answer = topic_messages(topic, None, focus)[0]
        assert answer["text"] == f"{focus.title}\n{focus.sms}"
        assert answer["buttons"] == topic_messages(topic, None)[0]["buttons"]
        assert len(answer["text"].split()) <= 60


def test_a_focus_with_a_bad_pattern_names_the_file():
    text = "---\nid: x\ntitle: X\nfocuses:\n  - {id: f, title: F, sms: S, patterns: ['(']}\n---\n"
    with pytest.raises(ContentError, match="x.md: focus f: a pattern is not valid"):
        _ = parse_topic(text, Path("x.md")).focuses


@pytest.mark.parametrize(("value", "ok"), [("Adults can.", True), ("[1, 2]", False)])
def test_a_focus_line_before_services_is_text(value, ok):
    text = (
        "---\nid: x\ntitle: X\nfocuses:\n  - {id: f, title: F, sms: S, patterns: [a], "
        f"sms_before_services: {value}}}\n---\n"
    )
    if ok:
        (focus,) = parse_topic(text, Path("x.md")).focuses
        assert focus.sms_before_services == value
    else:
        with pytest.raises(ContentError, match="focus f: sms_before_services must be text"):
            _ = parse_topic(text, Path("x.md")).focuses


@pytest.mark.parametrize(
    ("value", "says"),
    [("how", "more_first must be one of about, not_alone"), ("[1]", "more_first must be one of")],
)
def test_a_focus_names_only_a_real_part_to_carry_it_on(value, says):
    text = (
        "---\nid: x\ntitle: X\nfocuses:\n  - {id: f, title: F, sms: S, patterns: [a], "
        f"more_first: {value}}}\n---\n"
    )
    with pytest.raises(ContentError, match=f"x.md: focus f: {says}"):
        _ = parse_topic(text, Path("x.md")).focuses


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("checked_last: sometimes", "checked_last must be true or false"),
        ("instead_of_services: 'yes'", "instead_of_services must be true or false"),
        # Its answer comes instead of a list: a line written to come before one is a mistake.
        (
            "instead_of_services: true, sms_before_services: Call them.",
            "instead_of_services comes instead of a list",
        ),
    ],
)
def test_a_focus_flag_is_true_or_false_and_fits_with_the_rest(extra, says):
    text = (
        "---\nid: x\ntitle: X\nfocuses:\n  - {id: f, title: F, sms: S, patterns: [a], "
        f"{extra}}}\n---\n"
    )
    with pytest.raises(ContentError, match=f"x.md: focus f: {says}"):
        _ = parse_topic(text, Path("x.md")).focuses


def test_a_focus_checked_last_yields_to_a_later_topics_focus():
    # "Supporting your partner" (low mood, read first among topics) matches this too, but the
    # question is how to get her to a GP: asking for help's "Bringing up a worry" answers it.
    text = "my wife has pnd, how do i help her to see a gp"
    assert get_topic("low-mood").focus_by_id("supporting-a-partner").matches(text)
    topic_id, focus = find_focus(text)
    assert (topic_id, focus.id) == ("asking-for-help", "raising-a-worry")


# The fourteenth user test: "Tell me more" after "Referring yourself" gave "What this is" (fear of
# being judged); it carries the worry on with "How to get help", then the usual order.
@pytest.mark.parametrize(
    ("shown", "audience", "expected"),
    [
        (["focus:self-referral"], None, "how_to_get_help"),
        (["focus:no-gp-appointment"], None, "how_to_get_help"),
        (["focus:talk-to-a-person"], "dad-or-partner", "how_to_get_help"),  # before the dads' part
        (["focus:self-referral", "how_to_get_help"], None, "about"),  # then the usual order
        (["focus:self-referral", "about", "how_to_get_help"], None, "not_alone"),
        # Pressed "What this is" first, "Tell me more" still carries the worry on.
        (["focus:self-referral", "about"], None, "how_to_get_help"),
        # A focus that names no part, and the topic's own answer, keep the usual order.
        (["focus:fear-of-baby-taken"], None, "about"),
        ([], None, "about"),
        ([], "dad-or-partner", "dads"),
    ],
)
def test_tell_me_more_after_a_focus_carries_its_worry_on(shown, audience, expected):
    topic = get_topic("asking-for-help")
    assert section_key("more", topic, audience, shown) == expected
    # A part asked for by name is that part, whatever the focus.
    assert section_key("when_to_get_help", topic, audience, shown) == "when_to_get_help"


def test_a_focus_without_more_first_gives_the_parts_in_the_usual_order():
    topic = get_topic("pregnancy-wellbeing")
    shown = ["focus:fear-of-birth"]
    order = []
    while (key := section_key("more", topic, None, shown)) != "sources":
        order.append(key)
        shown.append(key)
    assert order == topic.more_order(None)


def test_a_focus_that_cannot_be_read_does_not_stop_another_topics_focus(tmp_path, monkeypatch):
    # Every topic answer looks through every topic's focuses: a bad pattern in one (asking for
    # help, read before pregnancy) is skipped, not raised.
    shutil.copytree(content_dir(), tmp_path / "content")
    broken = tmp_path / "content" / "topics" / "asking-for-help.md"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("patterns:\n", 'patterns:\n      - "("\n', 1), encoding="utf-8")
    monkeypatch.setenv("CRADLE_CONTENT_DIR", str(tmp_path / "content"))
    found = find_focus("im terrified of giving birth")
    assert found is not None and found[0] == "pregnancy-wellbeing"
