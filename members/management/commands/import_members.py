"""python manage.py import_members members.csv [--replace]: the member list from CSV."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.importer import members_import


class Command(BaseCommand):
    help = "Import the member list (CSV: member_number,email,last_name,valid_until)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--replace", action="store_true", help="Remove members who are not in the file."
        )

    def handle(self, *args, path: str, replace: bool, **options) -> None:
        try:
            with open(path, "rb") as source:
                report = members_import(source=source, replace=replace)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.removed} removed, "
            f"{report.rejected_count} rejected."
        )
        for row in report.rejected:
            self.stdout.write(f"  line {row['line']}: {row['reason']}")
