"""The form templates written out in Python (config/forms.py) give Django's markup exactly,
and translations remembered per language (config/i18n.py) are the translations."""

from unittest.mock import patch

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext, trans_real

from config.forms import WRITTEN_OUT, FormRenderer


class Everything(forms.Form):
    name = forms.CharField(label="Name & <title>", max_length=20, help_text="Help")
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autofocus": True}))
    secret = forms.CharField(widget=forms.HiddenInput, initial='a "quoted" <value>')
    count = forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs={"step": 1}))
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "disabled": False}))
    agree = forms.BooleanField(required=False, label=gettext_lazy("I agree"))
    tags = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.MultipleHiddenInput, required=False
    )
    choice = forms.ChoiceField(
        choices=[("x", "X <1>"), ("y", "Y")], widget=forms.RadioSelect, help_text="<b>One</b>"
    )
    nolabel = forms.CharField(label="", required=False, show_hidden_initial=True)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, label="", required=False
    )
    pick = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")])
    site = forms.URLField(required=False, widget=forms.URLInput(attrs={"placeholder": "https://"}))
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))


def _pages(form_kwargs):
    """Every way a page renders a form: whole, field by field, hidden, labels, errors."""
    jinja2, ours = Jinja2(), FormRenderer()
    pages = []
    for renderer in (jinja2, ours):
        form = Everything(renderer=renderer, **form_kwargs)
        form.is_bound and form.is_valid()
        parts = [str(form), form.as_p(), str(form.non_field_errors())]
        for field in form:
            parts += [
                field.as_field_group(),
                str(field),
                field.as_hidden(),
                field.label_tag(),
                field.label_tag(attrs={"class": "x", "data-on": True, "off": False}),
                field.legend_tag(),
                str(field.errors),
                field.as_widget(attrs={"aria-describedby": "x_helptext", "required": True}),
            ]
        parts.append(forms.BoundField(form, form.fields["name"], "name").label_tag("no tag"))
        pages.append(parts)
    return pages


@pytest.mark.parametrize(
    "form_kwargs",
    [
        {},
        {"data": {}},  # every error shown
        {
            "data": {
                "name": "Ada <b>&amp;",
                "email": "not an email",
                "secret": "x",
                "count": "-3",
                "when": "2026-01-02",
                "agree": "on",
                "tags": ["a", "b"],
                "choice": "x",
                "pick": "y",
                "site": "javascript:alert(1)",
                "phone": '"0"',
                "password": "pw<>",
            }
        },
        {"prefix": "attendees-0", "auto_id": "my_%s"},
        {"auto_id": False},
    ],
)
def test_written_out_templates_give_djangos_markup(form_kwargs):
    theirs, ours = _pages(form_kwargs)
    assert ours == theirs
    assert FormRenderer().written_out.keys() == WRITTEN_OUT.keys()  # none overridden here


def test_a_real_error_list_still_goes_through_the_template():
    form = Everything(data={}, renderer=FormRenderer())
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>' in str(
        form["name"].errors
    )


def test_gettext_remembered_per_language_gives_the_translation():
    assert gettext("This field is required.") == "This field is required."
    with translation.override("de"):
        assert gettext("This field is required.") == "Dieses Feld ist zwingend erforderlich."
        assert gettext("This field is required.") == "Dieses Feld ist zwingend erforderlich."
        assert type(gettext(mark_safe("Yes"))) is SafeString  # noqa: S308 - a constant
        assert gettext(mark_safe("Yes")) == "Ja"  # noqa: S308
    with translation.override("fr"):
        assert gettext("This field is required.") == "Ce champ est obligatoire."
    assert gettext("This field is required.") == "This field is required."
    assert gettext("") == ""
    assert type(gettext("Yes")) is str
    for n in (1, 2, 1, 2, 0):
        with translation.override("de"):
            assert ngettext("%(num)d minute", "%(num)d minutes", n) == (
                "%(num)d Minute" if n == 1 else "%(num)d Minuten"
            )
        assert ngettext("%(num)d minute", "%(num)d minutes", n) == (
            "%(num)d minute" if n == 1 else "%(num)d minutes"
        )
    assert trans_real.translation("de")._confreg_messages["This field is required."] == (
        "Dieses Feld ist zwingend erforderlich."
    )


TAGS = """{% load i18n %}<p title="{% translate 'Yes' %}">{% translate "Yes" %}|{% translate "50%% off" %}|\
{% translate "Yes" as yes %}[{{ yes }}]|{% trans "a < b" %}|{% translate "No" noop %}|\
{% translate "No"|upper %}|{% translate word %}|{% translate "May" context "month name" %}|\
{% autoescape off %}{% translate "a < b" %}{% endautoescape %}</p>"""


def _render_tags(djangos=False):
    """TAGS through `{% load i18n %}`: as installed (config.i18n), or with Django's own tag."""
    from django.template import Context, Engine
    from django.templatetags import i18n as django_i18n

    own = {"translate": django_i18n.do_translate, "trans": django_i18n.do_translate}
    with patch.dict(django_i18n.register.tags, own if djangos else {}):
        template = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(TAGS)
    return template.render(Context({"word": "No"}))


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_remembered_translate_tag_gives_what_djangos_gives(language):
    with translation.override(language):
        theirs = _render_tags(djangos=True)
        assert _render_tags() == theirs
    with translation.override(language):
        assert _render_tags() == theirs  # remembered, still the same
    if language == "en":
        assert theirs == (  # Django's own: a literal is safe
            '<p title="Yes">Yes|50%% off|[Yes]|a < b|No|NO|No|May|a < b</p>'
        )


def test_remembered_translate_tag_follows_the_language():
    from django.template import Context, Engine

    from config.i18n import RememberedTranslateNode

    template = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(TAGS)
    assert any(isinstance(node, RememberedTranslateNode) for node in template.nodelist)
    with translation.override("de"):
        german = template.render(Context({"word": "No"}))
    with translation.override("fr"):
        french = template.render(Context({"word": "No"}))
    assert german.startswith('<p title="Ja">Ja|') and french.startswith('<p title="Oui">Oui|')
    assert template.render(Context({"word": "No"})).startswith('<p title="Yes">Yes|')


@pytest.mark.parametrize("language", ["en", "de"])
def test_session_kind_display_is_djangos(language):
    from django.db.models import Model

    from events.models import Session

    field = Session._meta.get_field("kind")
    with translation.override(language):
        for kind in [*Session.Kind.values, "unknown"]:
            session = Session(kind=kind)
            assert session.get_kind_display() == Model._get_FIELD_display(session, field)
    assert Session(kind="mini_course").get_kind_display() == "Mini-course"
