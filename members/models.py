"""The institute's member list: who may have a member rate, and until when."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Member(models.Model):
    """One line of the member list, imported from the institute's CSV (members.importer).
    `number` is stored as given, upper case, without surrounding blanks."""

    number = models.CharField(max_length=40, unique=True)
    email = models.EmailField(blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    valid_until = models.DateField(help_text=_("Membership holds through this day."))
    # The import that last wrote the row: an import that replaces the list removes the rest.
    import_batch = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        permissions = [("import_members", "Can import the member list")]

    def __str__(self) -> str:
        return self.number


def normalize_number(value: str) -> str:
    return value.strip().upper()
