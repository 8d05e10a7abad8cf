"""registrations.forms.base.field_copy makes what copy.deepcopy makes of a form's fields:
the same attributes, and a copy whose changes never reach the class's fields."""

import copy

import pytest
from django import forms

from registrations.forms.attendee import AttendeeDetailsForm
from registrations.forms.base import PageForm, field_copy
from registrations.forms.manage import SessionSwapForm
from registrations.forms.register import AttendeeForm, BillingForm, BuyerForm, OrderForm
from registrations.organizer.setup_forms import EmailTextForm, GroupRateForm, QuestionForm

FORMS = [
    AttendeeDetailsForm,
    AttendeeForm,
    BillingForm,
    BuyerForm,
    OrderForm,
    SessionSwapForm,
    QuestionForm,
    GroupRateForm,
    EmailTextForm,
]


def _state(field: forms.Field) -> dict:
    values = dict(vars(field))
    widget = values.pop("widget")
    values["widget"] = (type(widget), dict(vars(widget)))
    return values


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.__name__)
def test_each_field_copies_as_deepcopy_copies_it(form):
    for name, field in form.base_fields.items():
        if isinstance(field, forms.ModelChoiceField):  # copies itself: deep-copied
            continue
        ours, deep = field_copy(field), copy.deepcopy(field)
        assert type(ours) is type(deep), name
        assert _state(ours) == _state(deep), name
        assert ours is not field and ours.widget is not field.widget
        assert ours.widget.attrs is not field.widget.attrs
        assert ours.error_messages is not field.error_messages
        assert ours.validators is not field.validators
        if hasattr(field, "_choices"):
            assert ours._choices is not field._choices
            assert ours.widget.choices is not field.widget.choices


def test_a_forms_changes_stay_its_own():
    class Sample(PageForm):
        kind = forms.ChoiceField(choices=[("a", "A"), ("Group", [("b", "B")])])
        name = forms.CharField(max_length=5)
        when = forms.SplitDateTimeField()  # copies itself otherwise: deep-copied

    first = Sample()
    first.fields["kind"].choices = [("z", "Z")]
    first.fields["kind"]._choices[0]  # noqa: B018 - read
    first.fields["name"].widget.attrs["class"] = "wide"
    first.fields["name"].validators.append(lambda value: None)
    first.fields["when"].fields[0].label = "Day"
    second = Sample()
    assert second.fields["kind"].choices == [("a", "A"), ("Group", [("b", "B")])]
    assert second.fields["kind"].choices[1][1] is not Sample.base_fields["kind"].choices[1][1]
    assert "class" not in second.fields["name"].widget.attrs
    assert len(second.fields["name"].validators) == len(Sample.base_fields["name"].validators)
    assert second.fields["when"].fields[0].label is None
    assert Sample(
        data={"kind": "b", "name": "ab", "when_0": "2027-03-01", "when_1": "09:00"}
    ).is_valid()
