"""`cradle content check`: every rule trips on a bad-content fixture, with file and line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from cradle.content import SHORT_TEXT_KEYS, load_topic, topic_ids
from cradle.content_admin import approve, export_html
from cradle.content_check import MIN_NLU_EXAMPLES, check_content
from cradle.paths import PROJECT_ROOT, content_dir
from tests.conftest import add_topic, next_order

TODAY = dt.date(2026, 11, 22)


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(content_dir(), folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def as_a_draft(path: Path) -> None:
    """Write a topic's front matter as `cradle content approve` does, with status draft, so a
    test that edits it works whatever the panel has decided about the shipped file."""
    _, front, body = path.read_text().split("---\n", 2)
    meta = {**yaml.safe_load(front), "status": "draft"}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"---\n{front}---\n{body}")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def errors(content: Path, today: dt.date = TODAY, nlu_dir: Path | None = None) -> list[str]:
    found = check_content(content, today, nlu_dir=nlu_dir)
    return [str(f) for f in found if f.severity == "error"]


def test_the_shipped_content_passes(content):
    assert errors(content) == []


def test_removing_a_topic_that_services_need_names_each_service(content):
    (content / "topics" / "bonding.md").unlink()
    found = errors(content)
    assert found and all("[catalogue]" in e and "unknown needs: bonding" in e for e in found)
    assert any("warwickshire.yml: service cwpt-perinatal-mental-health:" in e for e in found)


# --- a new topic: its file and enough NLU examples, nothing else (issue 14, point 6) ---


def nlu_with(tmp_path: Path, intent: str, count: int) -> Path:
    """A copy of bot/data/ with `count` training examples for `intent`."""
    folder = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "bot" / "data", folder)
    examples = "".join(f"    - example message {n} about the new topic\n" for n in range(count))
    with (folder / "nlu.yml").open("a", encoding="utf-8") as nlu:
        nlu.write(f"\n- intent: {intent}\n  examples: |\n{examples}")
    return folder


def test_a_new_topic_with_its_file_and_enough_nlu_examples_passes(content, tmp_path):
    add_topic(content / "topics", "new-topic")
    assert errors(content, nlu_dir=nlu_with(tmp_path, "ask_new_topic", MIN_NLU_EXAMPLES)) == []
    assert topic_ids(content / "topics")[-1] == "new-topic"


@pytest.mark.parametrize("count", [0, MIN_NLU_EXAMPLES - 1])
def test_a_topic_without_enough_nlu_examples_names_its_file(content, tmp_path, count):
    path = add_topic(content / "topics", "new-topic")
    found = errors(content, nlu_dir=nlu_with(tmp_path, "ask_new_topic", count))
    assert found == [
        f"{path}:2: error: [nlu-examples] the intent ask_new_topic has {count} training "
        f"examples in {tmp_path / 'data'} (at least {MIN_NLU_EXAMPLES} are needed): add "
        "messages parents might send about this topic under '- intent: ask_new_topic' in "
        "bot/data/nlu.yml, then run `cradle sync` and `make train`"
    ]


def test_the_shipped_nlu_folder_is_named_as_typed(content):
    path = add_topic(content / "topics", "new-topic")
    assert errors(content)[0].startswith(
        f"{path}:2: error: [nlu-examples] the intent ask_new_topic has 0 training examples in "
        "bot/data (at least"
    )


@pytest.mark.parametrize(
    ("order", "says"),
    [
        (
            "order: 3",
            "order 3 is also used by intrusive-thoughts.md: give the new topic the next "
            "free number (NEXT)",
        ),
        ("order: first", "order must be a whole number from 1"),
        ("order: 0", "order must be a whole number from 1"),
    ],
)
def test_each_topic_needs_its_own_order(content, tmp_path, order, says):
    free = next_order(content / "topics")
    path = add_topic(content / "topics", "new-topic")
    edit(path, f"order: {free}", order)
    found = errors(content, nlu_dir=nlu_with(tmp_path, "ask_new_topic", MIN_NLU_EXAMPLES))
    says = says.replace("NEXT", str(free))
    assert found[-1].startswith(f"{path}:4: error: [schema] {says}"), found
    if order == "order: 3":  # both files are named, so whoever reads either sees the clash
        assert found[0].startswith(f"{content}/topics/intrusive-thoughts.md:4: error: [schema]")
    assert len(found) == (2 if order == "order: 3" else 1)


def test_a_source_listed_twice_is_named(content):
    path = content / "topics" / "low-mood.md"
    as_a_draft(path)
    twice = "- title: Again\n  url: https://www.app-network.org/what-is-pp/getting-help/\n"
    edit(path, "sources:\n", "sources:\n" + twice)
    found = errors(content)
    assert len(found) == 1 and "[sources]" in found[0] and "is listed twice" in found[0], found


@pytest.mark.parametrize(
    ("old", "new", "needle", "rule"),
    [
        ("status: draft", "status: done", "status:", "[schema]"),
        ("audiences:\n- any", "audiences:\n- everyone", "audiences:", "[schema]"),
        # Crisis lines come from fixed text, never from a topic's service search.
        ("needs:\n- low-mood", "needs:\n- crisis", "needs:", "[schema]"),
        ("## You're not alone", "## Not alone", "## What this is", "[schema]"),
        (
            "  url: https://www.nhs.uk/mental-health/conditions/post-natal-depression/overview/",
            "  url: nhs dot uk",
            "sources:",
            "[sources]",
        ),
        (
            "Tell one person how you really feel",
            "You must tell one person how you really feel",
            "You must tell",
            "[avoid-phrase]",
        ),
        (
            "call Samaritans on 116 123",
            "call Samaritans on 0800 123 4567",
            "Samaritans on 0800",
            "[phone-number]",
        ),
        (
            "Lots of parents feel tearful",
            "Your perinatal period can make you feel tearful",
            "perinatal period",
            "[glossary]",
        ),
    ],
)
def test_each_rule_names_the_file_and_line(content, old, new, needle, rule):
    path = content / "topics" / "low-mood.md"
    as_a_draft(path)
    edit(path, old, new)
    found = errors(content)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:") and rule in found[0]
    if rule != "[schema]" or "##" not in old:
        assert found[0].startswith(f"{path}:{line_of(path, needle)}:")


def test_sms_longer_than_one_segment(content):
    path = content / "topics" / "anxiety.md"
    edit(path, "Any time: Samaritans 116 123.", "Any time: Samaritans 116 123. " + "Really. " * 40)
    found = errors(content)
    assert found == [
        f"{path}:{line_of(path, 'sms:')}: error: [sms-length] sms needs 4 SMS segments (at most 1)"
    ]


def test_an_sms_text_without_a_number_that_answers_day_and_night(content):
    path = content / "topics" / "anxiety.md"
    edit(path, "Any time: Samaritans 116 123.", "Your GP can help.")
    found = errors(content)
    assert (
        len(found) == 1 and "[sms-24-7] sms gives no number that answers day and night" in found[0]
    )


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        (
            "ask about a caesarean. Any time: Samaritans 116 123.",
            "ask about a caesarean.",
            "sms-24-7",
        ),
        ("ask about a caesarean.", "ask about a caesarean. " + "Really. " * 40, "sms-length"),
        ('"\\\\bdread(ing)?', '"(dread', "schema"),  # an unclosed bracket: not a valid pattern
    ],
)
def test_a_focus_is_checked_like_a_first_answer(content, old, new, rule):
    path = content / "topics" / "pregnancy-wellbeing.md"
    edit(path, old, new)
    found = errors(content)
    assert len(found) == 1 and f"[{rule}]" in found[0], found
    assert found[0].startswith(f"{path}:{line_of(path, 'focuses:')}:")


@pytest.mark.parametrize(
    ("old", "new", "needle", "rule"),
    [
        # A made-up number or a banned phrase in a focus's own text is found on its line.
        (
            "You can see them alone.",
            "Or call 0800 123 4567.",
            "Or call 0800 123 4567",
            "[phone-number]",
        ),
        ("You can see them alone.", "You must see them alone.", "You must see", "[avoid-phrase]"),
        # The line before a list of services has one segment: three services follow it.
        (
            "No GP needed: adults can refer themselves to NHS Talking Therapies.",
            "No GP needed: adults can refer themselves to NHS Talking Therapies. " * 3,
            "focuses:",
            "[sms-length] focus self-referral: sms_before_services",
        ),
    ],
)
def test_a_focus_texts_are_checked_like_the_body(content, old, new, needle, rule):
    path = content / "topics" / "asking-for-help.md"
    edit(path, old, new)
    found = errors(content)
    assert len(found) == 1 and rule in found[0], found
    assert found[0].startswith(f"{path}:{line_of(path, needle)}:")


def test_a_focus_carried_on_by_a_part_the_topic_lacks_is_named(content):
    path = content / "topics" / "asking-for-help.md"
    naming = path.read_text(encoding="utf-8").count("more_first: how_to_get_help")
    assert naming >= 4
    edit(path, "## How to get help\n", "## How to reach help\n")
    found = [e for e in errors(content) if "more_first" in e]
    assert len(found) == naming, found  # each focus that names it
    assert "focus self-referral: more_first names the part 'How to get help'" in "".join(found)
    assert found[0].startswith(f"{path}:{line_of(path, 'focuses:')}:")


def test_emoji_make_an_sms_ucs2(content):
    path = content / "topics" / "anxiety.md"
    edit(path, "Any time: Samaritans 116 123.", "Any time: Samaritans 116 123. \U0001f49b")
    assert any("[sms-length]" in f for f in errors(content))


@pytest.mark.parametrize("key", list(SHORT_TEXT_KEYS))
@pytest.mark.parametrize(
    "topic_id", sorted(p.stem for p in (content_dir() / "topics").glob("*.md"))
)
def test_every_topic_text_fits_one_segment_with_a_24_7_number(topic_id, key):
    from cradle.sms import segments

    text = " ".join(str(load_topic(content_dir() / "topics" / f"{topic_id}.md").meta[key]).split())
    assert segments(text) == 1
    assert any(n in text for n in ("116 123", "111", "999", "0808 2000 247"))


def test_low_reading_ease(content):
    path = content / "topics" / "bonding.md"
    edit(
        path,
        "Bonding is the close, loving relationship",
        "Notwithstanding considerable interindividual heterogeneity, the establishment of "
        "reciprocal socioemotional synchronisation constitutes a developmental prerequisite. "
        "Bonding is the close, loving relationship",
    )
    for _ in range(6):
        edit(
            path,
            "## You're not alone\n",
            "## You're not alone\nConsequently, multidimensional "
            "intergenerational considerations necessitate comprehensive individualised "
            "psychotherapeutic interventions.\n\n",
        )
    assert any("[reading-ease]" in f and str(path) in f for f in errors(content))


def test_a_past_review_date_is_only_a_warning(content):
    findings = check_content(content, dt.date(2028, 1, 1))
    assert {f.severity for f in findings} == {"warning"}
    # and the shipped operator.yml, which names no one until an organisation fills it in
    assert {f.rule for f in findings} == {"review-due", "operator"}


def test_approve_records_a_real_review(content):
    path = content / "topics" / "dads.md"
    earlier = load_topic(path).meta["review"]  # none yet, or the panel's earlier reviews
    approve(path, "dad-or-partner", "Read by the dads' panel; wording agreed", TODAY)
    topic = load_topic(path)
    assert topic.status == "approved"
    assert topic.meta["review"] == [
        *earlier,
        {
            "role": "dad-or-partner",
            "date": TODAY,
            "note": "Read by the dads' panel; wording agreed",
        },
    ]
    assert topic.meta["review_due"] == dt.date(2027, 11, 22)
    assert topic.section("What this is") is not None
    assert errors(content) == []


@pytest.mark.parametrize(("role", "note"), [("boss", "fine"), ("parent", "  ")])
def test_approve_refuses_unknown_roles_and_empty_notes(content, role, note):
    with pytest.raises(ValueError):
        approve(content / "topics" / "dads.md", role, note, TODAY)


def test_the_review_pack_has_every_topic_and_the_glossary_escaped(content):
    edit(content / "topics" / "bonding.md", "Hold your baby close.", "Hold <b>your</b> baby close.")
    page = export_html(content)
    assert page.count("<section id=") == len(topic_ids(content / "topics")) + 1  # and glossary
    assert "Hold &lt;b&gt;your&lt;/b&gt; baby close." in page
    assert "perinatal mental health team" in page and "draft" in page


# --- the catalogue: sources, remits, and no kite-mark claims without a real scheme (issue 13) ---

SAMARITANS_PHONE = (
    '      - {number: "116 123", type: voice, description: "Free from any phone, 24 hours a day", '
    'source: "https://www.samaritans.org"}'
)


@pytest.mark.parametrize(
    ("old", "new", "rule", "says"),
    [
        # A number parents may call, with nowhere to re-check it.
        (
            SAMARITANS_PHONE,
            SAMARITANS_PHONE.replace(', source: "https://www.samaritans.org"', ""),
            "catalogue",
            "phone 116 123 needs a source",
        ),
        # NHS 111's mental health option tagged for a crying baby.
        (
            "    needs: [crisis, low-mood, anxiety, intrusive-thoughts, dads, asking-for-help]",
            "    needs: [crisis, low-mood, crying-baby]",
            "remit",
            "crying-baby, outside its remit",
        ),
        # The women's helpline offered to dads.
        (
            "    audiences: [mums]\n",
            "    audiences: [mums, dads-and-partners]\n",
            "remit",
            "offered to dads-and-partners",
        ),
        # An illustrative scheme cannot award.
        (
            "kitemark: {scheme: cradle-illustrative, status: listed}",
            "kitemark: {scheme: cradle-illustrative, status: awarded, awarded: 2026-10-01, "
            "expires: 2027-10-01}",
            "catalogue",
            "cannot award",
        ),
    ],
)
def test_catalogue_rules(content, old, new, rule, says):
    edit(content / "services" / "national.yml", old, new)
    found = [e for e in errors(content) if f"[{rule}]" in e]
    assert found and says in found[0], errors(content)
    assert "national.yml" in found[0]


def test_a_national_line_without_a_remit_row_fails(content):
    edit(content / "remits.yml", "  relate:\n", "  relate-old:\n")
    assert any("[remit]" in e and "'relate' has no row" in e for e in errors(content))


def test_kite_marked_claims_fail_while_no_real_scheme_awards(content):
    path = content / "responses.yml"
    edit(path, "These can help, including", "These kite-marked services can help, including")
    line = line_of(path, "These kite-marked services can help, including")
    assert any(f"responses.yml:{line}" in e and "[kitemark-claim]" in e for e in errors(content)), (
        errors(content)
    )


def test_saying_not_kite_marked_is_allowed(content):
    edit(
        content / "responses.yml",
        "including some for {place}. They are {listing}:",
        "including some for {place}. They are {listing}, not kite-marked:",
    )
    assert errors(content) == []


def test_a_safety_bank_file_left_out_of_the_list_is_named(content):
    # Dropped into bank/ without a line in second_opinion.yml, it would train nothing.
    shutil.copy(
        content / "safety" / "bank" / "calm.yml", content / "safety" / "bank" / "calm_new.yml"
    )
    found = errors(content)
    assert len(found) == 1
    assert "calm_new.yml" in found[0] and "not listed under `bank:`" in found[0]


@pytest.mark.parametrize("seed", ["thirteen", "-1", "1.5", "true", ""])
def test_a_bad_augment_seed_is_named(content, seed):
    # The seed decides the model's training copies; a typo must not silently train another one.
    edit(content / "safety" / "second_opinion.yml", "augment_seed: 13", f"augment_seed: {seed}")
    found = errors(content)
    assert any("second_opinion.yml" in e and "augment_seed" in e for e in found), found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  threshold: 0.8\n  someone_else:", "  threshold: 0.3\n  someone_else:", "between 0.5"),
        (
            "  someone_else: [other_person_now, ",
            "  someone_else: [hopeless, other_person_now, ",
            "both",
        ),
        ("  someone_else: [", "  someone_elses: [", "someone_else"),
        (
            "  someone_else: [other_person_now, ",
            "  someone_else: [other_persn_now, ",
            "other_persn_now",
        ),
        # The model for everyday questions: checked the same way.
        ("  someone_else: [helping_someone,", "  someone_else: [helping_somone,", "helping_somone"),
        ("  writer: [low_mood_no_risk,", "  writer: [helping_someone, low_mood_no_risk,", "both"),
        (
            "  someone_else: [helping_someone,",
            "  someone_else: [hopeless, helping_someone,",
            "both",
        ),
        ("whose_questions:\n", "whose_question:\n", "whose_questions"),
        ("  person_words: [she,", "  person_wrds: [she,", "person_words"),
    ],
)
def test_a_bad_whose_block_is_named(content, old, new, message):
    # The whose model decides which crisis reply a parent reads: a broken block must not train.
    edit(content / "safety" / "second_opinion.yml", old, new)
    found = errors(content)
    assert any("second_opinion.yml" in e and message in e for e in found), found


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "line: services_parenting_none",
            "line: services_parenting_gone",
            "unlisted_groups.parenting-courses.line: no message 'services_parenting_gone'",
        ),
        ("turns_down:", "turns_down_was:", "turns_down: expected a list"),
        (
            "first: warwickshire-fis",
            "first: warwickshire-family-info",
            "unlisted_groups.parenting-courses.first: no service 'warwickshire-family-info'",
        ),
    ],
)
def test_a_bad_service_request_file_is_named_by_the_check(content, old, new, says):
    edit(content / "service_requests.yml", old, new)
    found = errors(content)
    assert any("service_requests.yml" in e and "[requests]" in e and says in e for e in found), (
        found
    )
