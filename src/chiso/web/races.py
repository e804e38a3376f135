"""Two people doing the same thing at the same moment: a message to retry, not a server error.

Services lock a row that already exists before they look for the row they are about to create
(``select_for_update``). Where there is no such row to lock (the first import of a kind, province
and year), the database's unique constraint is the guard, and the loser's IntegrityError is turned
into a Vietnamese ValidationError here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def retry_on_collision(what: str) -> Iterator[None]:
    """Run the body in a savepoint; a unique-constraint collision with a write that was committed
    meanwhile becomes "Có người khác vừa <what> cùng lúc; hãy thử lại.".

    The savepoint matters on PostgreSQL: after an IntegrityError the transaction takes no further
    statement until it is rolled back to a savepoint, and the caller's transaction must still be
    able to roll back cleanly.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(f"Có người khác vừa {what} cùng lúc; hãy thử lại.") from None
