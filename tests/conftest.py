"""Shared fixtures: a catalogue built from the real content, and small fixture catalogues."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cradle.areas import get_areas
from cradle.catalogue.build import build_catalogue
from cradle.catalogue.kitemark import Schemes
from cradle.catalogue.store import Catalogue
from cradle.content import load_topic
from cradle.launcher import DEFAULT_MODEL, Stack, StackConfig, free_port
from cradle.paths import content_dir

FIXTURES = Path(__file__).parent / "fixtures"
# The fixtures' own schemes: one real (it can award), one sample listing.
FIXTURE_SCHEMES = Schemes.from_file(FIXTURES / "kitemark.yml")


def build_fixture(services_dir: Path, out: Path) -> None:
    build_catalogue(services_dir, out, schemes=FIXTURE_SCHEMES)


@pytest.fixture(scope="session")
def real_catalogue_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample catalogue, built into a temporary file."""
    out = tmp_path_factory.mktemp("catalogue") / "catalogue.db"
    build_catalogue(content_dir() / "services", out)
    return out


@pytest.fixture(scope="session")
def real_catalogue(real_catalogue_path: Path) -> Catalogue:
    return Catalogue.open(real_catalogue_path, frozenset(get_areas().district_names))


@pytest.fixture()
def services_dir(tmp_path: Path) -> Path:
    """A copy of the fixture service files, for tests that change them."""
    folder = tmp_path / "services"
    shutil.copytree(FIXTURES / "services", folder)
    return folder


@pytest.fixture()
def fixture_catalogue(services_dir: Path, tmp_path: Path) -> Catalogue:
    out = tmp_path / "fixture.db"
    build_fixture(services_dir, out)
    return Catalogue.open(out, frozenset(get_areas().district_names))


def next_order(topics_dir: Path) -> int:
    """The SMS menu number a new topic takes: one after the highest in use."""
    orders = (load_topic(path).order or 0 for path in topics_dir.glob("*.md"))
    return max(orders, default=0) + 1


def add_topic(topics_dir: Path, topic_id: str, order: int | None = None) -> Path:
    """Write content/topics/<topic_id>.md: the crying-baby text as a new draft topic, by
    default with the next free SMS menu number."""
    order = next_order(topics_dir) if order is None else order
    text = (topics_dir / "crying-baby.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    # Whatever the panel has decided about crying-baby, a new topic starts as a draft.
    meta.update(
        id=topic_id, title="A new topic", order=order, needs=[topic_id], status="draft", review=[]
    )
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    path = topics_dir / f"{topic_id}.md"
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def write_services(folder: Path, services: list[dict]) -> None:
    (folder / "extra.yml").write_text(yaml.safe_dump({"services": services}, sort_keys=False))


TODAY = dt.date(2026, 11, 22)


# --- one running Cradle (action server, Rasa, web server), started only if a test asks ---

TWILIO_TOKEN = "test-auth-token-not-a-secret"


@pytest.fixture(scope="session")
def council_origin() -> str:
    """A council website that embeds the widget (tests/browser/test_embed.py serves a page
    there): localhost, while Cradle is on 127.0.0.1, so the two are different sites."""
    return f"http://localhost:{free_port()}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, council_origin: str) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("var")
    catalogue = var / "catalogue.db"
    build_catalogue(content_dir() / "services", catalogue)
    config = StackConfig.on_free_ports(
        model=DEFAULT_MODEL,
        var=var,
        catalogue=catalogue,
        debug_logs=True,
        extra_env={
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "CRADLE_SENDER_KEY": "test-sender-key",
            "CRADLE_SMS_PUBLIC_URL": "https://cradle.example.org",
            "CRADLE_EMBED_ORIGINS": council_origin,
        },
    )
    with Stack(config) as running:
        yield running


# Low-mood messages the safety net is unsure about (the second opinion between its check and
# crisis thresholds, no lexicon phrase). Which of them fall in that band moves a little whenever
# the bank or the NLU examples change ("everything is grey" was in it, then rose to urgent), so
# tests take the first that is in it rather than pinning one.
CHECK_BAND_LOW_MOOD = (
    "everything feels grey and heavy",
    "its all so grey",
    "everything is grey",
    "i feel like a shadow of myself",
    "i'm a shadow of myself since the birth",
    "its all just grey and flat",
)


# Thoughts of crashing the car, which the NLU reads as scary thoughts (the twenty-fifth user
# test's dad; docs/safety.md, fifty-fifth session).
CHECK_BAND_CRASHING = (
    "i keep thinking about crashing the car on the way to work",
    "i keep getting thoughts about crashing the car, i dont have a plan, im at home",
)


def check_band_message(candidates: tuple[str, ...] = CHECK_BAND_LOW_MOOD) -> str:
    """One the net asks about without leaning to an emergency reply: "No" to such a one gets the
    topic asked about ("grey" leans to the medical reply since bank round 23's blue or grey
    babies, and "No" then gets "this needs advice today" instead)."""
    from cradle.replies import needs_help_today
    from cradle.safety import classify

    for text in candidates:
        result = classify(text)
        if result.needs_check and not needs_help_today(result.leaning):
            return text
    pytest.fail(f"none of {candidates} is in the safety net's check band now: add one")
