"""Plain inputs of the registration services, filled by the API serializers and the forms."""

from dataclasses import dataclass, field

from finance.billing import BillingInput


@dataclass(frozen=True)
class BuyerInput:
    first_name: str
    last_name: str
    email: str
    billing: BillingInput = field(default_factory=BillingInput)


@dataclass(frozen=True)
class AttendeeInput:
    ticket_type: int
    first_name: str
    last_name: str
    email: str
    organization: str = ""
    job_title: str = ""
    profession: str = ""
    member_number: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    sessions: tuple[int, ...] = field(default_factory=tuple)
    credentials: dict[str, str] = field(default_factory=dict)
    answers: dict[str, object] = field(default_factory=dict)  # by question id (events.questions)
