"""The gunicorn configuration chiso ships (``-c python:chiso.web.gunicorn_conf``, docs/web.md).

Its master loads the application and computes the newest year's results and SIPAS pages before
forking the workers. What can go wrong is what only a real server shows: workers inheriting a
database connection the master opened (they must each open their own), or a failing warm-up
keeping the server from starting. Runs on SQLite and, with ``make test-postgres``, PostgreSQL.
"""

from __future__ import annotations

from httpkit import Browser, Server

CONFIG = ("-c", "python:chiso.web.gunicorn_conf", "--workers", "2")


def test_workers_forked_after_the_warm_up_serve_every_page(site, faultkit, tmp_path):
    env = site("gunicorn-warm")
    info = faultkit(env, "setup")
    server = Server(env, tmp_path / "gunicorn.log", gunicorn=CONFIG)
    server.start()
    try:
        log = server.log.read_text()
        assert "chiso: đã chuẩn bị sẵn Kết quả, SIPAS năm 2025 (Lạng Sơn) trong" in log, log
        # Several sessions, so that both workers log someone in (a write) and read the pages.
        for _ in range(4):
            browser = Browser(server)
            browser.login(info["coordinator"], info["password"])
            assert "88,12" in browser.get("/ket-qua/2025/")
            assert "77,14" in browser.get("/ket-qua/2025/sipas/")
            assert "Tham luận" in browser.get(f"/tham-luan/{info['campaign']}/")
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text()


def test_a_failing_warm_up_is_logged_and_the_server_starts_anyway(site, tmp_path):
    env = site("gunicorn-cold")  # an empty database: the warm-up's first query fails
    server = Server(env, tmp_path / "gunicorn.log", gunicorn=CONFIG)
    server.start()  # waits until the login page is served
    try:
        log = server.log.read_text()
        assert "chiso: không chuẩn bị sẵn được trang kết quả; trang sẽ tính khi mở" in log, log
    finally:
        server.stop()
