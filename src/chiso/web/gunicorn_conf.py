"""gunicorn settings for chiso: ``gunicorn -c python:chiso.web.gunicorn_conf chiso.web.wsgi``.

The master loads the application (``preload_app``) and, before forking any worker, computes the
newest year's results and SIPAS pages (:mod:`chiso.web.warmup`): workers are born warm, so the
first coordinators after a restart do not wait seconds each. The listening socket is already
open while this runs, so early requests queue instead of being refused. Bind address, workers and
timeouts stay on the command line (docs/web.md).

With ``preload_app`` a reload (``kill -HUP``) keeps the loaded code: restart the service after
upgrading chiso.
"""

from __future__ import annotations

from chiso import vi

preload_app = True


def when_ready(server) -> None:
    """Runs in the master, after the application is loaded and before the workers are forked."""
    from chiso.web.warmup import warm

    try:
        warmed = warm()
    except Exception:  # a cold cache must never keep the server from starting
        server.log.exception("chiso: không chuẩn bị sẵn được trang kết quả; trang sẽ tính khi mở")
        return
    pages = ", ".join(warmed.pages) or "không trang nào (chưa có dữ liệu)"
    server.log.info(
        "chiso: đã chuẩn bị sẵn %s năm %d (%s) trong %s giây",
        pages,
        warmed.year,
        warmed.province,
        vi.format_number(warmed.seconds, 1),
    )
