import pytest
from django.core.exceptions import ValidationError

from registrations.ce.credentials import clean_credentials, npi_is_valid
from registrations.models import Attendee
from tests.factories import TicketTypeFactory
from tests.registrations.helpers import attendee, body, register


def test_npi_check_digit():
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678a3")


@pytest.mark.parametrize(
    ("profession", "credentials", "field"),
    [
        ("physician", {"npi": "1234567890"}, "npi"),
        ("nurse", {"license_number": "RN123", "license_state": "ZZ"}, "license_state"),
        ("nurse", {"license_number": "RN123"}, "license_state"),
        ("pharmacist", {"nabp_eprofile_id": "12x"}, "nabp_eprofile_id"),
        ("pharmacist", {"nabp_eprofile_id": "123456", "birth_mmdd": "1332"}, "birth_mmdd"),
        ("nurse", {"npi": "1234567893"}, "npi"),
        ("other", {"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_credentials_name_the_field(profession, credentials, field):
    with pytest.raises(ValidationError) as error:
        clean_credentials(profession, credentials)
    assert field in error.value.message_dict


def test_good_credentials_are_normalised():
    assert clean_credentials("nurse", {"license_number": " RN123 ", "license_state": "ma"}) == {
        "license_number": "RN123",
        "license_state": "MA",
    }
    assert clean_credentials("pharmacist", {"nabp_eprofile_id": "123456", "birth_mmdd": "0229"})
    assert clean_credentials("physician", {"npi": "1234567893"}) == {"npi": "1234567893"}
    assert clean_credentials("other", {}) == {}


@pytest.mark.django_db
def test_registration_stores_credentials_and_names_bad_ones(api):
    ticket = TicketTypeFactory()
    response = register(
        api,
        ticket.event,
        body(attendee(ticket, profession="physician", credentials={"npi": "1234567890"})),
    )
    assert response.status_code == 400
    assert "attendees.0.credentials.npi" in response.json()["errors"]
    response = register(
        api,
        ticket.event,
        body(attendee(ticket, profession="physician", credentials={"npi": "1234567893"})),
    )
    assert response.status_code == 201
    assert response.json()["attendees"][0]["credentials"] == {"npi": "1234567893"}
    assert Attendee.objects.get().credentials == {"npi": "1234567893"}
