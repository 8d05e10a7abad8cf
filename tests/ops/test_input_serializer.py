"""config.api.InputSerializer: fields built once per class, yet each serializer's own."""

from registrations.api.serializers import AttendeeChangeSerializer, RegistrationInputSerializer


def test_each_serializer_has_its_own_fields_bound_to_it():
    first, second = RegistrationInputSerializer(), RegistrationInputSerializer()
    assert first.fields["promo_code"] is not second.fields["promo_code"]
    assert first.fields["promo_code"].parent is first
    assert second.fields["promo_code"].parent is second
    first.fields["promo_code"].validators.append(lambda value: None)
    assert len(second.fields["promo_code"].validators) == len(
        RegistrationInputSerializer().fields["promo_code"].validators
    )
    attendee = first.fields["attendees"].child
    assert attendee is not second.fields["attendees"].child
    assert attendee.fields["email"].root is first


def test_input_is_validated_as_before():
    data = RegistrationInputSerializer(
        data={
            "buyer": {"first_name": "Ada", "last_name": "Ng", "email": "not-an-email"},
            "attendees": [
                {"ticket_type": 0, "first_name": "A", "last_name": "B", "email": "a@b.org"}
            ],
            "promo_code": "x" * 41,
        }
    )
    assert not data.is_valid()
    assert set(data.errors) == {"buyer", "attendees", "promo_code"}
    assert "email" in data.errors["buyer"]
    assert "ticket_type" in data.errors["attendees"][0]


def test_a_partial_serializer_still_skips_what_is_missing_in_nested_fields():
    data = AttendeeChangeSerializer(data={"credentials": {"npi": "1234567890"}}, partial=True)
    assert data.is_valid(), data.errors
    assert data.validated_data == {"credentials": {"npi": "1234567890"}}


def test_nested_fields_are_each_serializers_own_all_the_way_down():
    first, second = RegistrationInputSerializer(), RegistrationInputSerializer()
    buyer, other_buyer = first.fields["buyer"], second.fields["buyer"]
    assert buyer is not other_buyer and buyer.fields["email"] is not other_buyer.fields["email"]
    assert buyer.fields["email"].root is first and other_buyer.fields["email"].root is second
    attendee = first.fields["attendees"].child
    assert attendee.parent is first.fields["attendees"]
    sessions = attendee.fields["sessions"]
    assert sessions.child.parent is sessions
    assert sessions.child is not second.fields["attendees"].child.fields["sessions"].child
    credentials = attendee.fields["credentials"]
    assert credentials.fields["npi"].root is first


def test_errors_of_one_serializer_do_not_reach_the_next():
    bad = {
        "buyer": {"first_name": "Ada", "last_name": "Ng", "email": "ada@example.org"},
        "attendees": [
            {"ticket_type": 1, "first_name": "A", "last_name": "B", "email": "a@b.org"},
            {
                "ticket_type": 1,
                "first_name": "C",
                "last_name": "D",
                "email": "bad",
                "sessions": [0],
                "credentials": {"npi": "x" * 11},
            },
        ],
    }
    first = RegistrationInputSerializer(data=bad)
    assert not first.is_valid()
    assert set(first.errors["attendees"]) == {1}  # the second attendee's, by index
    assert set(first.errors["attendees"][1]) == {"email", "sessions", "credentials"}
    good = dict(bad, attendees=[bad["attendees"][0]])
    second = RegistrationInputSerializer(data=good)
    assert second.is_valid(), second.errors
    assert second.validated_data["attendees"][0]["email"] == "a@b.org"
