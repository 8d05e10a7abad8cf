"""{% session_choices %}: the session checkboxes of the register and manage pages, in the
page's time zone, with titles escaped, states, seats, fees, credits and clashes."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django import forms
from django.template import engines

from registrations.forms.menu import SessionOption

PAGE = engines["django"].from_string(
    '{% load tz session_choices %}{% timezone "America/New_York" %}'
    "{% session_choices f.sessions days 'USD' legend %}{% endtimezone %}"
)


class Sample(forms.Form):
    sessions = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Workshops")


def _option(n: int, **changes) -> SessionOption:
    values = {
        "id": n,
        "title": f"Safety <{n}> & co",
        "kind": "Workshop",
        "room": "",
        "starts_at": datetime(2027, 3, 1, 14, 0, tzinfo=UTC),
        "ends_at": datetime(2027, 3, 1, 15, 30, tzinfo=UTC),
        "price": Decimal("0.00"),
        "ce_credits": Decimal("0.00"),
        "available": None,
        "same_time_as": (),
    }
    return SessionOption(**(values | changes))


def test_each_session_as_a_checkbox_in_the_events_zone():
    days = [
        (
            date(2027, 3, 1),
            [
                (_option(1), True, False),
                (
                    _option(2, price=Decimal("75.00"), ce_credits=Decimal("1.50"), available=1),
                    False,
                    False,
                ),
                (_option(3, available=0, same_time_as=("A & B",)), False, True),
            ],
        )
    ]
    html = PAGE.render({"f": Sample(prefix="attendees-0"), "days": days, "legend": ""})
    assert "<legend>Workshops</legend>" in html
    assert "<legend>Monday 1 March</legend>" in html
    assert 'name="attendees-0-sessions" id="id_attendees-0-sessions_1" value="1"' in html
    assert 'aria-describedby="id_attendees-0-sessions_1_meta" checked>' in html
    assert '<time datetime="2027-03-01T09:00:00-05:00">09:00</time>' in html  # New York
    assert "Safety &lt;1&gt; &amp; co" in html and "<1>" not in html
    assert "75.00 USD" in html and "1.50 CE hours" in html and "1 seat left" in html
    assert 'class="choice is-disabled has-clash"' in html
    assert 'value="3" aria-describedby="id_attendees-0-sessions_3_meta" disabled>' in html
    assert "Runs at the same time as A &amp; B." in html
    assert "No extra fee" in html and "Seats available" in html


def test_errors_and_an_empty_day_list():
    form = Sample(data={"a-sessions": ["x"]}, prefix="a")
    form.is_valid()
    html = PAGE.render(
        {
            "f": form,
            "days": [(date(2027, 3, 1), [(_option(1), False, False)])],
            "legend": "Sessions",
        }
    )
    assert 'aria-describedby="id_a-sessions_error"' in html
    assert "<legend>Sessions</legend>" in html and "errorlist" in html
    assert PAGE.render({"f": form, "days": [], "legend": ""}).strip() == ""
