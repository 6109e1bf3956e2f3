"""`cradle`: one command for every operator task. Run `cradle --help`, or `cradle VERB --help`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cradle.yamlio import ContentError

Handler = Callable[[argparse.Namespace], int]


def _cmd_sync(args: argparse.Namespace) -> int:
    from cradle import sync

    if args.check:
        stale = sync.stale_files()
        for path in stale:
            print(
                f"out of date: {path} (run `cradle sync` after editing content/)", file=sys.stderr
            )
        return 1 if stale else 0
    for path in sync.write_generated():
        print(f"updated {path}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from cradle.launcher import serve_forever

    return serve_forever(
        host=args.host,
        web_port=args.web_port,
        rasa_port=args.rasa_port,
        actions_port=args.actions_port,
        rasa_workers=args.rasa_workers,
    )


def _cmd_chat(args: argparse.Namespace) -> int:
    from cradle.terminal import chat_loop

    return chat_loop(args.url)


def _cmd_safety_train(args: argparse.Namespace) -> int:
    from cradle.safety import get_net

    net = get_net()  # trains the second opinion, or loads it when nothing it learnt changed
    print(
        f"safety net ready: {len(net.situations.situations)} situation rules, second opinion loaded"
    )
    return 0


def _cmd_safety_try(args: argparse.Namespace) -> int:
    from cradle.safety import classify

    result = classify(args.text)
    print(f"tier: {result.tier}\nresponse: {result.response}\nrules: {', '.join(result.rules)}")
    print(f"signals: {', '.join(sorted(result.signals))}")
    return 0


def _cmd_content_check(args: argparse.Namespace) -> int:
    from cradle.content_check import check_content

    findings = check_content(args.content)
    for finding in findings:
        print(finding, file=sys.stderr if finding.severity == "error" else sys.stdout)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    print(f"content check: {errors} errors, {warnings} warnings")
    return 1 if errors else 0


def _cmd_content_approve(args: argparse.Namespace) -> int:
    import datetime as dt

    from cradle.content_admin import approve, topic_path

    try:
        approve(topic_path(args.content, args.topic), args.role, args.note, dt.date.today())
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"recorded a review of {args.topic} by {args.role}; status is now approved")
    return 0


def _cmd_content_export(args: argparse.Namespace) -> int:
    from cradle.content_admin import export_html

    args.out.write_text(export_html(args.content), encoding="utf-8")
    print(f"wrote the review pack to {args.out}")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from cradle.retention import parse_age, purge_events, sqlite_url

    try:
        days = parse_age(args.older_than)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    url = args.db_url or sqlite_url(str(args.tracker_db))
    result = purge_events(url, days)
    print(
        f"purge: deleted {result.deleted} of {result.before} conversation events older than "
        f"{days} days; {result.after} remain; and {result.options_deleted} texters' numbered "
        "options older than 24 hours"
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    import datetime as dt

    from sqlalchemy.exc import SQLAlchemyError

    from cradle.areas import get_areas
    from cradle.insights import InsightLog
    from cradle.report import build_report, render_html, write_csv
    from cradle.shared_state import state_url

    if args.db is not None and not args.db.is_file():
        print(f"error: no insight log at {args.db} (try `cradle insights demo`)", file=sys.stderr)
        return 2
    try:
        start, end = dt.date.fromisoformat(args.date_from), dt.date.fromisoformat(args.date_to)
    except ValueError:
        print("error: --from and --to are dates like 2026-11-01", file=sys.stderr)
        return 2
    source = args.db if args.db is not None else (args.db_url or state_url())
    try:
        log = InsightLog(source, frozenset(get_areas().district_names))
        report = build_report(log, start, end)
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        print(f"error: cannot read the insight log: {reason}", file=sys.stderr)
        return 2
    if args.format == "csv":
        write_csv(report, args.out)
    else:
        args.out.write_text(render_html(report), encoding="utf-8")
    print(
        f"wrote the {args.format} report for {start} to {end} ({report.turns} turns) to {args.out}"
    )
    return 0


def _cmd_insights_demo(args: argparse.Namespace) -> int:
    from cradle.areas import get_areas
    from cradle.insights import InsightLog
    from cradle.report import generate_demo

    log = InsightLog(args.db, frozenset(get_areas().district_names))
    count = generate_demo(log, days=args.days)
    log.close()
    print(f"wrote {count} synthetic turns to {args.db} (no real users)")
    return 0


def _cmd_preflight(args: argparse.Namespace) -> int:
    from cradle.preflight import PreflightError, preflight

    try:
        preflight(args.endpoints)
    except PreflightError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"preflight: the tracker store and lock store in {args.endpoints} answer")
    return 0


def _cmd_catalogue_build(args: argparse.Namespace) -> int:
    from cradle.catalogue.build import build_catalogue

    report = build_catalogue(args.source, args.out)
    print(f"built {args.out}: {report.services} services from {report.files} files")
    return 0


def _cmd_catalogue_export(args: argparse.Namespace) -> int:
    import json

    from cradle.catalogue.oruk import export_services, write_atomically
    from cradle.catalogue.search import open_catalogue

    catalogue = open_catalogue(args.db)
    try:
        data = export_services(catalogue)
    finally:
        catalogue.close()
    write_atomically(args.out, json.dumps(data, indent=2, ensure_ascii=False))
    print(f"wrote {data['totalElements']} services as Open Referral UK JSON to {args.out}")
    return 0


def _cmd_catalogue_import(args: argparse.Namespace) -> int:
    import asyncio

    from cradle.catalogue.oruk import FeedImportError, ImportSettings, import_feed

    settings = ImportSettings(timeout=args.timeout, retries=args.retries)
    try:
        count = asyncio.run(import_feed(args.source_url, args.out, settings))
    except FeedImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(
        f"imported {count} services into {args.out} with pending kite marks; "
        "complete and award them, then run `cradle catalogue build`"
    )
    return 0


def _cmd_catalogue_search(args: argparse.Namespace) -> int:
    from cradle.catalogue.search import format_results, search_from_args

    results = search_from_args(args)
    print(format_results(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from cradle.paths import catalogue_path, content_dir, var_dir

    parser = argparse.ArgumentParser(
        prog="cradle",
        description="Operator tasks for Cradle, the parent wellbeing and signposting assistant.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    sync = verbs.add_parser(
        "sync",
        help="copy content into the Rasa files that repeat it (topic intents, responses, places)",
        description="After adding a topic (content/topics/<id>.md) or editing "
        "content/responses.yml, content/areas.yml or content/glossary.yml, run `cradle sync` to "
        "update domain.yml (topic intents, responses), bot/data/rules.yml (the rule that answers "
        "every topic), bot/data/areas.yml and bot/data/glossary.yml. With --check, change "
        "nothing and fail if they are out of date (make test does this).",
    )
    sync.add_argument("--check", action="store_true", help="only check; exit 1 if out of date")
    sync.set_defaults(handler=_cmd_sync)

    serve = verbs.add_parser(
        "serve",
        help="start the action server, Rasa and the web server, and wait until all are ready",
        description="What `make run` does. Stops everything on Ctrl-C.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--web-port", type=int, default=8080, help="web server port (8080)")
    serve.add_argument("--rasa-port", type=int, default=5005, help="Rasa server port (5005)")
    serve.add_argument("--actions-port", type=int, default=5055, help="action server port (5055)")
    serve.add_argument(
        "--rasa-workers",
        type=_workers,
        default=None,
        help="Rasa worker processes sharing the SQLite lock store "
        "(default CRADLE_RASA_WORKERS, else 2)",
    )
    serve.set_defaults(handler=_cmd_serve)

    chat = verbs.add_parser(
        "chat",
        help="chat with a running Cradle in this terminal (what `make shell` does)",
        description="Sends what you type to Cradle's REST channel and prints the replies, "
        "including the reply contract. Start Cradle first with `make run`.",
    )
    chat.add_argument(
        "--url", default="http://127.0.0.1:5005/webhooks/rest/webhook", help="Cradle's REST webhook"
    )
    chat.set_defaults(handler=_cmd_chat)

    content = verbs.add_parser("content", help="check, review and export what parents read")
    content_verbs = content.add_subparsers(dest="content_verb", metavar="ACTION", required=True)
    check = content_verbs.add_parser(
        "check",
        help="check every topic, the glossary terms, tone, SMS length, sources and numbers",
        description="Fails with file and line for: schema errors or a missing topic, an "
        "unexplained professional term, low reading ease, an SMS over 2 segments, a phrase "
        "from the avoid list, bad sources, or a phone number that is not in the catalogue. A "
        "review date in the past is a warning. make test runs this.",
    )
    check.add_argument("--content", type=_path, default=content_dir(), help="content folder")
    check.set_defaults(handler=_cmd_content_check)
    approve = content_verbs.add_parser(
        "approve",
        help="record a real review of a topic by the co-production panel",
        description="Example: cradle content approve low-mood --role parent --note "
        "'Read by the parents panel on 3 Dec; wording agreed'. Adds the review with today's "
        "date, marks the topic approved and sets the next review for a year's time.",
    )
    approve.add_argument("topic", help="the topic id, e.g. low-mood")
    approve.add_argument("--role", required=True, help="who reviewed it, e.g. parent, midwife")
    approve.add_argument("--note", required=True, help="what was checked or agreed")
    approve.add_argument("--content", type=_path, default=content_dir(), help="content folder")
    approve.set_defaults(handler=_cmd_content_approve)
    export = content_verbs.add_parser(
        "export",
        help="write one readable HTML review pack with every topic and the glossary",
        description="Example: cradle content export --format html --out review-pack.html",
    )
    export.add_argument("--format", choices=["html"], default="html", help="html")
    export.add_argument("--out", type=_path, default=_path("review-pack.html"), help="file")
    export.add_argument("--content", type=_path, default=content_dir(), help="content folder")
    export.set_defaults(handler=_cmd_content_export)

    check_ends = verbs.add_parser(
        "preflight",
        help="check that the tracker store and lock store in an endpoints file answer",
        description="Example: cradle preflight --endpoints endpoints.scale.yml. Reads the "
        "environment variables the file names and says exactly what is missing or unreachable. "
        "`cradle serve` runs it before starting Rasa.",
    )
    check_ends.add_argument(
        "--endpoints",
        type=_path,
        default=_path("endpoints.yml"),
        help="endpoints file (endpoints.yml)",
    )
    check_ends.set_defaults(handler=_cmd_preflight)

    purge = verbs.add_parser(
        "purge",
        help="delete conversation events older than a limit from the tracker store, and "
        "texters' numbered options older than 24 hours",
        description="Example: cradle purge --older-than 30d. Works on the SQLite store (default "
        "var/tracker.db) or, with --db-url, on PostgreSQL. 30 days is the documented default; "
        "`cradle serve` runs it at start and daily.",
    )
    purge.add_argument("--older-than", default="30d", help="age limit in days, e.g. 30d")
    purge.add_argument(
        "--tracker-db",
        type=_path,
        default=var_dir() / "tracker.db",
        help="SQLite tracker store (var/tracker.db)",
    )
    purge.add_argument("--db-url", help="SQLAlchemy URL instead, e.g. postgresql://...")
    purge.set_defaults(handler=_cmd_purge)

    report = verbs.add_parser(
        "report",
        help="write the anonymised insight report (HTML with charts, or CSV)",
        description="Example: cradle report --from 2026-11-01 --to 2026-11-30 --out report.html. "
        "Counts below 5 are shown as <5.",
    )
    report.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
    report.add_argument("--out", type=_path, default=_path("report.html"), help="file to write")
    report.add_argument("--format", choices=["html", "csv"], default="html", help="html or csv")
    report.add_argument(
        "--db", type=_path, default=None, help="a SQLite file instead (e.g. the demo month)"
    )
    report.add_argument(
        "--db-url",
        default=None,
        help="SQLAlchemy URL of the tracker database (default: the one Cradle runs on)",
    )
    report.set_defaults(handler=_cmd_report)

    insights = verbs.add_parser("insights", help="work with the anonymised insight log")
    insight_verbs = insights.add_subparsers(dest="insights_verb", metavar="ACTION", required=True)
    demo = insight_verbs.add_parser(
        "demo",
        help="write a realistic synthetic month of turns, to try the report without real users",
        description="What `make demo-insights` does. Uses the real logging code.",
    )
    demo.add_argument("--days", type=int, default=30, help="days to generate (30)")
    demo.add_argument(
        "--db",
        type=_path,
        default=var_dir() / "demo-insights.db",
        help="database to write (var/demo-insights.db)",
    )
    demo.set_defaults(handler=_cmd_insights_demo)

    safety = verbs.add_parser("safety", help="train and try the safety net")
    safety_verbs = safety.add_subparsers(dest="safety_verb", metavar="ACTION", required=True)
    safety_verbs.add_parser(
        "train",
        help="train the second opinion from content/safety/bank (make train runs it)",
        description="Cached in models/safety/ under a hash of the bank, lexicon and settings.",
    ).set_defaults(handler=_cmd_safety_train)
    try_it = safety_verbs.add_parser(
        "try",
        help="show the tier, response and rules for one message",
        description="For a safeguarding lead checking a new phrasing. Nothing is logged.",
    )
    try_it.add_argument("text", help="the message, in quotes")
    try_it.set_defaults(handler=_cmd_safety_try)

    catalogue = verbs.add_parser("catalogue", help="build and search the service catalogue")
    cat_verbs = catalogue.add_subparsers(dest="catalogue_verb", metavar="ACTION", required=True)
    build = cat_verbs.add_parser(
        "build",
        help="compile content/services/ into the catalogue database",
        description="Reads every YAML file in the source folder, checks each entry, and writes "
        "the catalogue. If any entry is wrong it names the file and entry and changes nothing.",
    )
    build.add_argument(
        "--source",
        type=_path,
        default=content_dir() / "services",
        help="folder of service files (content/services)",
    )
    build.add_argument(
        "--out", type=_path, default=catalogue_path(), help="database to write (var/catalogue.db)"
    )
    build.set_defaults(handler=_cmd_catalogue_build)
    export = cat_verbs.add_parser(
        "export",
        help="write the catalogue as Open Referral UK JSON",
        description="Example: cradle catalogue export --format oruk --out services.json",
    )
    export.add_argument("--format", choices=["oruk"], default="oruk", help="oruk")
    export.add_argument("--out", type=_path, default=_path("services.oruk.json"), help="file")
    export.add_argument("--db", type=_path, default=catalogue_path(), help="catalogue database")
    export.set_defaults(handler=_cmd_catalogue_export)
    importer = cat_verbs.add_parser(
        "import",
        help="read an Open Referral UK /services feed into a service file",
        description="Example: cradle catalogue import --from https://example.org/api/services. "
        "Reads every page (with timeouts and retries), maps each service into Cradle's format "
        "with a pending kite mark, and writes the file only if every page and service was "
        "read; otherwise nothing changes.",
    )
    importer.add_argument("--from", dest="source_url", required=True, help="the /services URL")
    importer.add_argument(
        "--out",
        type=_path,
        default=content_dir() / "services" / "imported.yml",
        help="service file to write (content/services/imported.yml)",
    )
    importer.add_argument("--timeout", type=float, default=10.0, help="seconds per page (10)")
    importer.add_argument("--retries", type=int, default=3, help="attempts per page (3)")
    importer.set_defaults(handler=_cmd_catalogue_import)
    search = cat_verbs.add_parser(
        "search",
        help="show the services a parent would be offered",
        description="Example: cradle catalogue search --need low-mood --area CV21 --audience dad",
    )
    search.add_argument("--need", help="a topic id, e.g. low-mood")
    search.add_argument("--area", help="district id, town or postcode district, e.g. Rugby or CV21")
    search.add_argument("--audience", help="mum, dad-or-partner or parent")
    search.add_argument("--db", type=_path, default=catalogue_path(), help="catalogue database")
    search.set_defaults(handler=_cmd_catalogue_search)
    return parser


def _path(value: str):  # type: ignore[no-untyped-def]
    from pathlib import Path

    return Path(value)


def _workers(value: str) -> int:
    from cradle.launcher import parse_rasa_workers

    try:
        return parse_rasa_workers(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ContentError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
