"""Identifiers accreditors ask for, by profession (API.md, "Continuing-education credits").

- physician:  npi (10 digits, Luhn check digit over the "80840" prefix)
- nurse:      license_number, license_state (a US state or territory code)
- pharmacist: nabp_eprofile_id (digits), birth_mmdd (MMDD)
"""

from datetime import date

from django.core.exceptions import ValidationError

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)

FIELDS_BY_PROFESSION = {
    "physician": ("npi",),
    "nurse": ("license_number", "license_state"),
    "pharmacist": ("nabp_eprofile_id", "birth_mmdd"),
}
ALL_FIELDS = frozenset(f for fields in FIELDS_BY_PROFESSION.values() for f in fields)


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit: Luhn over the 9 leading digits prefixed with 80840."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:  # every second digit from the right, starting with the rightmost
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def clean_credentials(profession: str, credentials: dict | None) -> dict[str, str]:
    """Normalised credentials for `profession`; raises ValidationError keyed by field.

    Credentials are optional (not everyone wants CE credit), but what is given must be
    right, and belong to the profession.
    """
    credentials = {k: str(v).strip() for k, v in (credentials or {}).items() if str(v).strip()}
    errors: dict[str, str] = {}
    unknown = set(credentials) - ALL_FIELDS
    for name in sorted(unknown):
        errors[name] = "Unknown credential."
    allowed = set(FIELDS_BY_PROFESSION.get(profession, ()))
    for name in sorted(set(credentials) - unknown - allowed):
        errors[name] = f"Not asked of a {profession or 'person without a profession'}."
    if "npi" in credentials and not npi_is_valid(credentials["npi"]):
        errors["npi"] = "Not a valid NPI (10 digits with a check digit)."
    if "license_state" in credentials:
        credentials["license_state"] = credentials["license_state"].upper()
        if credentials["license_state"] not in US_STATES:
            errors["license_state"] = "Use a two-letter US state code."
    if "license_number" in credentials and len(credentials["license_number"]) > 30:
        errors["license_number"] = "At most 30 characters."
    if "license_number" in credentials and "license_state" not in credentials:
        errors["license_state"] = "Give the state that issued the licence."
    if "nabp_eprofile_id" in credentials and not (
        credentials["nabp_eprofile_id"].isdigit()
        and 4 <= len(credentials["nabp_eprofile_id"]) <= 10
    ):
        errors["nabp_eprofile_id"] = "The NABP e-Profile ID is a number of 4 to 10 digits."
    if "birth_mmdd" in credentials and not _is_mmdd(credentials["birth_mmdd"]):
        errors["birth_mmdd"] = "Month and day of birth as MMDD, e.g. 0415."
    if errors:
        raise ValidationError(errors)
    return credentials


def _is_mmdd(value: str) -> bool:
    if len(value) != 4 or not value.isdigit():
        return False
    try:
        date(2000, int(value[:2]), int(value[2:]))  # a leap year accepts 0229
    except ValueError:
        return False
    return True
