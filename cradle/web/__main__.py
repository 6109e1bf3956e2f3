"""python -m cradle.web --port 8080 --rasa-url http://127.0.0.1:5005"""

from __future__ import annotations

import argparse
import logging
import sys

# spaCy's thinc imports TensorFlow whenever it is installed (Rasa needs it). The web server's
# safety net needs only spaCy's tokenizer and matchers, so keep TensorFlow out of this process.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]

from aiohttp import web  # noqa: E402

from cradle.web.app import WebConfig, create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Cradle web server (demo page, widget, chat API)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default=None, help="Rasa server (default $CRADLE_RASA_URL)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # access_log_format without the query string or body: no message text in logs.
    web.run_app(
        create_app(WebConfig.from_env(args.rasa_url)),
        host=args.host,
        port=args.port,
        access_log_format='%a "%r" %s %Tf',
    )


if __name__ == "__main__":
    main()
