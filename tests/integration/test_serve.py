"""`cradle serve` (what `make run` runs): ready message, clean stop on Ctrl-C, clear errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cradle.catalogue.build import build_catalogue
from cradle.launcher import LaunchError, Stack, StackConfig, port_in_use
from cradle.paths import PROJECT_ROOT, content_dir

pytestmark = pytest.mark.integration
CRADLE = str(Path(sys.executable).parent / "cradle")


def serve(tmp_path: Path, ports: list[int], **env: str) -> subprocess.Popen[str]:
    catalogue = tmp_path / "catalogue.db"
    if not catalogue.exists():
        build_catalogue(content_dir() / "services", catalogue)
    environment = dict(
        os.environ, CRADLE_VAR_DIR=str(tmp_path), CRADLE_CATALOGUE=str(catalogue), **env
    )
    return subprocess.Popen(
        [
            CRADLE,
            "serve",
            "--web-port",
            str(ports[0]),
            "--rasa-port",
            str(ports[1]),
            "--actions-port",
            str(ports[2]),
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_ctrl_c_stops_everything_and_frees_the_ports(tmp_path):
    ports = free_ports(3)
    process = serve(tmp_path, ports)
    output = []
    deadline = time.monotonic() + 240
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if "Press Ctrl-C to stop." in line or not line:
            break
    text = "".join(output)
    assert "Cradle is ready." in text and f"http://127.0.0.1:{ports[0]}/" in text
    assert "make shell" in text and "curl" in text
    process.send_signal(signal.SIGINT)
    remaining, _ = process.communicate(timeout=60)
    assert process.returncode == 0, remaining
    assert "Stopped." in remaining
    time.sleep(0.5)
    assert not any(port_in_use("127.0.0.1", port) for port in ports)  # no orphans left


def test_a_port_clash_is_a_clear_error(tmp_path):
    ports = free_ports(3)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports[1]))
        busy.listen()
        process = serve(tmp_path, ports)
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 1
    assert f"port {ports[1]} (Rasa) is already in use" in output


def test_a_missing_model_is_a_clear_error(tmp_path):
    ports = free_ports(3)
    config = StackConfig(
        web_port=ports[0],
        rasa_port=ports[1],
        actions_port=ports[2],
        model=tmp_path / "none.tar.gz",
        var=tmp_path,
    )
    with pytest.raises(LaunchError, match="no trained model .* run `make train` first"):
        Stack(config).check()


def test_make_shell_chats_with_a_running_cradle(stack):
    url = f"{stack.config.rasa_url}/webhooks/rest/webhook"
    result = subprocess.run(
        [CRADLE, "chat", "--url", url],
        input="hello\nwhat can you do\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0
    assert "cradle> Hello, I'm Cradle" in result.stdout
    assert "cradle> I can tell you about" in result.stdout
    assert '{"topic": null, "safety": "none", "services": []}' in result.stdout
