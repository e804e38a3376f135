"""A real chiso server in another process, and a user's session with it over HTTP.

For the tests that need what only a real server shows: a process killed in the middle of a
request (test_crash.py), workers forked from a master that loaded the application
(test_gunicorn_conf.py). Registered by tests/conftest.py as ``httpkit``.
"""

from __future__ import annotations

import http.cookiejar
import importlib.util
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path


class Server:
    """gunicorn with one worker (the master starts a new one when the worker is killed), or
    runserver restarted by the test when the process itself was killed."""

    def __init__(self, env: dict[str, str], log: Path, *, gunicorn: tuple[str, ...] = ()) -> None:
        self.env = env
        self.log = log
        self.gunicorn = gunicorn  # more options, e.g. ("-c", "python:chiso.web.gunicorn_conf")
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> None:
        handle = open(self.log, "a")  # noqa: SIM115 (kept by the child)
        if importlib.util.find_spec("gunicorn") is not None:
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "chiso.web.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "1",
                "--preload",  # a killed worker is replaced by a fork: no second start-up
                "--timeout",
                "120",
                *self.gunicorn,
            ]
        else:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            command = [
                sys.executable,
                "-m",
                "django",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ]
            self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(command, env=self.env, stdout=handle, stderr=handle)
        handle.close()
        if not self.base:
            self.base = self._listening()
        self.wait_ready()

    def _listening(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"Listening at: (http://\S+)", self.log.read_text())
            if match:
                return match.group(1)
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.05)
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()}")

    def wait_ready(self) -> None:
        if self.process.poll() is not None:  # runserver: the killed process was the server
            self.start()
            return
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/dang-nhap/", timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"the server did not come back:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)


class Browser:
    """One user's session over HTTP: cookies, the CSRF token, forms and uploads."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.server.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], upload: tuple[str, bytes] | None = None):
        fields = {**fields, "csrfmiddlewaretoken": self._csrf()}
        if upload is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = _multipart(fields, upload)
        request = urllib.request.Request(
            self.server.base + path, data=body, headers={"Content-Type": kind}
        )
        with self.opener.open(request, timeout=120) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, username: str, password: str) -> None:
        self.get("/dang-nhap/")
        _, url, _ = self.post("/dang-nhap/", {"username": username, "password": password})
        assert "/dang-nhap/" not in url, f"{username} could not log in"


def _multipart(fields: dict[str, str], upload: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        header = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{header}\r\n\r\n{value}\r\n".encode())
    filename, content = upload
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
