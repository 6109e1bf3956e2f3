"""Generate the parts of the Rasa project that are copies of content: domain responses, the
topic intents and the topic rule's `or:` list (from content/topics/), areas and the glossary.

Content is the single source; these generated blocks are committed so Rasa's own tools see them,
and `cradle sync --check` (run by `make test`) fails when someone edits one side only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cradle.areas import load_areas
from cradle.content import intent_for_topic, topic_ids
from cradle.glossary import load_glossary
from cradle.paths import PROJECT_ROOT, content_dir
from cradle.responses import line_responses, load_responses

BEGIN = "# BEGIN generated responses (cradle sync)"
END = "# END generated responses"
# The topic intents, in domain.yml's intents list and in the `or:` of the rule that answers
# any topic (bot/data/rules.yml): one per content/topics/<id>.md, so a new topic needs no edit.
TOPICS_BEGIN = "# BEGIN generated topic intents (cradle sync)"
TOPICS_END = "# END generated topic intents"
# The same intents where the area-and-audience form must let a topic question through: the
# form's `ignored_intents` (domain.yml) and the rule that answers a topic during the form
# (bot/data/rules.yml). Without them a new topic asked mid-form would be read as a form answer.
FORM_BEGIN = "# BEGIN generated form topic intents (cradle sync)"
FORM_END = "# END generated form topic intents"


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    text: str


def _dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def replace_block(text: str, begin: str, end: str, block: str, name: str) -> str:
    """`text` with the lines between the markers replaced by `block`; the END marker keeps the
    BEGIN marker's indentation, so a block can sit inside a YAML list."""
    if text.count(begin) != 1 or text.count(end) != 1:
        raise ValueError(f"{name} must contain the markers {begin!r} and {end!r} once each")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    indent = head[head.rfind("\n") + 1 :]
    return f"{head}{begin}\n{block}{indent}{end}{tail}"


def domain_with_responses(domain_text: str, responses_path: Path) -> str:
    """domain.yml text with its generated block replaced by content/responses.yml: its
    responses, then its messages as `utter_<key>` (the actions send them by name)."""
    responses = load_responses(responses_path)
    lines = line_responses(responses_path)
    clash = sorted(set(responses) & set(lines))
    if clash:
        raise ValueError(f"content/responses.yml: {clash[0]} is both a response and a message")
    block = _dump({"responses": {**responses, **lines}})
    return replace_block(domain_text, BEGIN, END, block, "domain.yml")


def _intent_lines(topics_dir: Path, prefix: str) -> str:
    return "".join(f"{prefix}{intent_for_topic(t)}\n" for t in topic_ids(topics_dir))


def domain_with_topic_intents(domain_text: str, topics_dir: Path) -> str:
    """domain.yml text with one `ask_<topic>` intent per topic file, in the intents list and
    in the form's ignored intents."""
    text = replace_block(
        domain_text, TOPICS_BEGIN, TOPICS_END, _intent_lines(topics_dir, "  - "), "domain.yml"
    )
    return replace_block(
        text, FORM_BEGIN, FORM_END, _intent_lines(topics_dir, "      - "), "domain.yml"
    )


def rules_with_topic_intents(rules_text: str, topics_dir: Path) -> str:
    """bot/data/rules.yml text whose topic rules (outside and during the form) answer the
    intent of every topic file."""
    name, lines = "bot/data/rules.yml", _intent_lines(topics_dir, "    - intent: ")
    text = replace_block(rules_text, TOPICS_BEGIN, TOPICS_END, lines, name)
    return replace_block(text, FORM_BEGIN, FORM_END, lines, name)


def areas_nlu(areas_path: Path) -> str:
    """bot/data/areas.yml: a lookup table of every place name in content/areas.yml."""
    areas = load_areas(areas_path)
    header = "# Generated from content/areas.yml by `cradle sync`. Do not edit.\n"
    block = "".join(f"    - {word}\n" for word in areas.lookup_words())
    return f'{header}version: "3.1"\nnlu:\n- lookup: area\n  examples: |\n{block}'


def glossary_nlu(glossary_path: Path) -> str:
    """bot/data/glossary.yml: a lookup table of every term and alias in content/glossary.yml."""
    words = load_glossary(glossary_path).lookup_words()
    header = "# Generated from content/glossary.yml by `cradle sync`. Do not edit.\n"
    block = "".join(f"    - {word}\n" for word in words)
    return f'{header}version: "3.1"\nnlu:\n- lookup: term\n  examples: |\n{block}'


def generated_files(root: Path = PROJECT_ROOT, content: Path | None = None) -> list[GeneratedFile]:
    content = content or content_dir()
    domain_path = root / "domain.yml"
    rules_path = root / "bot" / "data" / "rules.yml"
    domain = domain_with_responses(
        domain_path.read_text(encoding="utf-8"), content / "responses.yml"
    )
    return [
        GeneratedFile(domain_path, domain_with_topic_intents(domain, content / "topics")),
        GeneratedFile(
            rules_path,
            rules_with_topic_intents(rules_path.read_text(encoding="utf-8"), content / "topics"),
        ),
        GeneratedFile(root / "bot" / "data" / "areas.yml", areas_nlu(content / "areas.yml")),
        GeneratedFile(
            root / "bot" / "data" / "glossary.yml", glossary_nlu(content / "glossary.yml")
        ),
    ]


def stale_files(root: Path = PROJECT_ROOT, content: Path | None = None) -> list[Path]:
    """Generated files whose committed text differs from what content would generate."""
    stale = []
    for generated in generated_files(root, content):
        current = generated.path.read_text(encoding="utf-8") if generated.path.exists() else None
        if current != generated.text:
            stale.append(generated.path)
    return stale


def write_generated(root: Path = PROJECT_ROOT, content: Path | None = None) -> list[Path]:
    """Rewrite the generated files; returns the ones that changed."""
    changed = []
    for generated in generated_files(root, content):
        current = generated.path.read_text(encoding="utf-8") if generated.path.exists() else None
        if current != generated.text:
            generated.path.write_text(generated.text, encoding="utf-8")
            changed.append(generated.path)
    return changed
