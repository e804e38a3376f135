"""Form fields shared by the apps where Django's own let a hostile value reach the database."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# A primary key is a 64-bit integer: 19 digits at most.
_MAX_KEY_DIGITS = 19


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a value too long to be a key before any query is made.

    Django sends each value to ``pk__in``; SQLite cannot bind an integer of 20 digits or more and
    raises OverflowError, a server error for a form anyone can post ("9" × 30 as an agency).
    """

    def _check_values(self, value):
        for key in value if isinstance(value, list | tuple) else ():
            text = str(key).strip().lstrip("+-")
            if text.isdigit() and len(text) > _MAX_KEY_DIGITS:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)
