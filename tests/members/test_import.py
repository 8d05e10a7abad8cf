"""Importing the member list: the API, the command, the report of rejected rows."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from members.models import Member
from tests.factories import MemberFactory, OrganizerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizer/members/import/"
GOOD = (
    "member_number,email,last_name,valid_until\n"
    "ihi-1,grace@example.org,Hopper,2027-12-31\n"
    "IHI-2,,Lovelace,2027-06-30\n"
    "IHI-3,alan@example.org,,2026-01-31\n"
)


def upload(client, text: str, **params):
    file = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    query = "?replace=1" if params.get("replace") else ""
    return client.post(URL + query, {"file": file}, format="multipart")


@pytest.fixture
def importer(api):
    user = OrganizerFactory(username="membership")
    user.user_permissions.add(Permission.objects.get(codename="import_members"))
    api.force_authenticate(user)
    return api


def test_import_creates_members_and_reports_rejected_rows(importer):
    text = GOOD + (
        "IHI-4,not-an-email,Smith,2027-01-01\n"
        ",x@example.org,Nobody,2027-01-01\n"
        "IHI-5,e@example.org,Doe,31/12/2027\n"
        "IHI-6,,,2027-01-01\n"
        "\n"
        "IHI-7,short\n"
    )
    response = upload(importer, text)
    assert response.status_code == 200, response.json()
    report = response.json()
    assert (report["created"], report["updated"], report["removed"]) == (3, 0, 0)
    assert [row["line"] for row in report["rejected"]] == [5, 6, 7, 8, 10]
    assert "not an email" in report["rejected"][0]["reason"]
    assert "valid_until" in report["rejected"][2]["reason"]
    assert report["rejected_count"] == 5
    grace = Member.objects.get(number="IHI-1")
    assert (grace.email, grace.last_name, grace.valid_until) == (
        "grace@example.org",
        "Hopper",
        date(2027, 12, 31),
    )


def test_import_merges_by_default_and_replaces_when_asked(importer):
    MemberFactory(number="OLD-1")
    MemberFactory(number="IHI-1", last_name="Before")
    report = upload(importer, GOOD).json()
    assert (report["created"], report["updated"], report["removed"]) == (2, 1, 0)
    assert Member.objects.get(number="IHI-1").last_name == "Hopper"
    assert Member.objects.filter(number="OLD-1").exists()
    report = upload(importer, GOOD, replace=True).json()
    assert (report["created"], report["updated"], report["removed"]) == (0, 3, 1)
    assert sorted(Member.objects.values_list("number", flat=True)) == ["IHI-1", "IHI-2", "IHI-3"]


def test_a_number_twice_in_the_file_keeps_the_later_line(importer):
    text = GOOD + "IHI-1,grace@new.example,Hopper,2028-12-31\n"
    report = upload(importer, text).json()
    assert report["created"] == 3
    assert report["rejected"] == [
        {"line": 2, "reason": "Member number IHI-1 appears again later; the later line counts."}
    ]
    assert Member.objects.get(number="IHI-1").valid_until == date(2028, 12, 31)


@pytest.mark.parametrize(
    "text",
    ["", "number,mail\n1,a@b.org\n", "\xff\xfe garbage"],
)
def test_a_file_that_is_not_the_member_csv_is_400_and_changes_nothing(importer, text):
    MemberFactory(number="KEEP")
    response = upload(importer, text, replace=True)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert list(Member.objects.values_list("number", flat=True)) == ["KEEP"]


def test_bad_bytes_midway_change_nothing(importer):
    MemberFactory(number="KEEP")
    body = (GOOD + "IHI-9,").encode() + b"\xff\xfe\n"
    file = SimpleUploadedFile("members.csv", body, content_type="text/csv")
    response = importer.post(URL + "?replace=1", {"file": file}, format="multipart")
    assert response.status_code == 400
    assert list(Member.objects.values_list("number", flat=True)) == ["KEEP"]


def test_only_superusers_and_those_granted_it_may_import(api, organizer_api):
    assert upload(organizer_api, GOOD).status_code == 403  # an event's organizer: no
    assert upload(api, GOOD).status_code in (401, 403)
    assert upload(api.__class__(), GOOD).status_code in (401, 403)
    assert not Member.objects.exists()
    api.force_authenticate(OrganizerFactory(username="root", is_superuser=True))
    assert upload(api, GOOD).status_code == 200


def test_missing_file_is_400(importer):
    response = importer.post(URL, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_the_command_imports_and_prints_the_report(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(GOOD + "IHI-4,bad,Smith,2027-01-01\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_members", str(path), stdout=out)
    assert "3 created, 0 updated, 0 removed, 1 rejected." in out.getvalue()
    assert "line 5:" in out.getvalue()
    assert Member.objects.count() == 3


def test_an_unreadable_first_line_is_400_naming_line_2(importer):
    huge = "member_number,email,last_name,valid_until\n" + "x" * 200_000 + ",a@b.org,X,2027-01-01\n"
    response = upload(importer, huge)
    assert response.status_code == 400
    assert "Line 2" in response.json()["errors"]["file"][0]
    assert not Member.objects.exists()
