"""python -m cradle.web --port 8080 (the widget finds the chat at $CRADLE_CHAT_URL)"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from cradle.web.app import WebConfig, create_app


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Cradle web server (demo page, widget, services API)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # access_log_format without the query string or body: no message text in logs.
    web.run_app(
        create_app(WebConfig.from_env()),
        host=args.host,
        port=args.port,
        access_log_format='%a "%r" %s %Tf',
    )


if __name__ == "__main__":
    main()
