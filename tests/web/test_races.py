"""Two writes at once: the loser of a unique-constraint race reads a message, not a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from chiso.web.races import retry_on_collision

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_collision_becomes_a_vietnamese_message_and_the_transaction_goes_on():
    User.objects.create(username="cb.trung")
    with transaction.atomic():
        with (
            pytest.raises(ValidationError) as caught,
            retry_on_collision("tạo tài khoản này"),
        ):
            User.objects.create(username="cb.trung")
        assert caught.value.messages == [
            "Có người khác vừa tạo tài khoản này cùng lúc; hãy thử lại."
        ]
        # Rolled back to the savepoint only: the surrounding transaction still takes writes
        # (PostgreSQL refuses every statement after an error without one).
        User.objects.create(username="cb.khac")
    assert User.objects.filter(username__in=["cb.trung", "cb.khac"]).count() == 2


def test_other_errors_pass_through_unchanged():
    with pytest.raises(KeyError), retry_on_collision("làm việc này"):
        {}["không có"]
