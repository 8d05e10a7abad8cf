"""How form fields are rendered: Django's own form templates, through Jinja2.

Django ships its form templates (fields, widgets, errors, formsets) for both template
engines, with the same markup; Jinja2 renders them in about half the CPU, which is most
of what the register and manage pages cost (bench/pages.py). Templates that exist only
for Django's engine (the admin's widget wrappers) are rendered by it.

A purchase still renders some 170 of these small templates (bench/profile_request.py
purchase): an error list for every field and form, nearly always empty; a field group,
an `<input>` and a `<label>` for every field. Those four are written out here in Python,
with the markup of Django's templates, character for character
(tests/ops/test_form_renderer.py renders both ways and compares): a template costs a new
Jinja2 context and an include or two for one tag. Each one is used only while the template of that name is Django's own (no app
overrides it); the others go through Jinja2 as before, the template found once per name.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from markupsafe import Markup, escape

DJANGO_FORMS = Path(django.forms.__file__).parent / "jinja2"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    out = ""
    for name, value in attrs.items():
        if value is not False:
            out += f' {escape(name)}="{escape(value)}"' if value is not True else f" {escape(name)}"
    return out


def _input(context: dict) -> str:
    """django/forms/widgets/input.html, included by text.html, email.html, hidden.html..."""
    widget = context["widget"]
    value = widget["value"]
    value = f' value="{escape(value)}"' if value != None else ""  # noqa: E711 - as the template
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _label(context: dict) -> str:
    """django/forms/label.html."""
    label = escape(context["label"])
    if not context["use_tag"]:
        return str(label).strip()
    tag = escape(context["tag"])
    attrs = _attrs(context["attrs"]) if context["attrs"] else ""
    return f"<{tag}{attrs}>{label}</{tag}>".strip()


def _error_list(context: dict) -> str | None:
    """django/forms/errors/list/default.html when there is no error; else the template."""
    return "" if not context["errors"] else None


def _field(context: dict) -> str:
    """django/forms/field.html (what `{{ field.as_field_group }}` renders), its whitespace
    kept: the label or legend, help text, errors, widget."""
    field = context["field"]
    if use_fieldset := field.use_fieldset:
        aria = field.aria_describedby
        aria = f' aria-describedby="{escape(aria)}"' if aria else ""
        html = f"\n  <fieldset{aria}>\n  {escape(field.legend_tag()) if field.label else ''}\n"
    else:
        html = f"\n  {escape(field.label_tag()) if field.label else ''}\n"
    html += "\n"
    if field.help_text:
        auto_id = field.auto_id
        auto_id = f' id="{escape(auto_id)}_helptext"' if auto_id else ""
        html += f'<div class="helptext"{auto_id}>{Markup(field.help_text)}</div>'  # noqa: S704 - |safe
    html += f"\n{escape(field.errors)}\n{escape(field)}\n"
    if use_fieldset:
        html += "</fieldset>"
    return html.strip()


INPUT = ["django/forms/widgets/input.html", "django/forms/widgets/attrs.html"]
INPUTS = "checkbox color date datetime email file hidden number password search tel text time url"
# Each template written out: its function, and the templates it includes.
WRITTEN_OUT = {
    "django/forms/errors/list/default.html": (_error_list, ["django/forms/errors/list/ul.html"]),
    "django/forms/label.html": (_label, ["django/forms/attrs.html"]),
    "django/forms/field.html": (_field, []),
    **{f"django/forms/widgets/{kind}.html": (_input, INPUT) for kind in INPUTS.split()},
}


class FormRenderer(BaseRenderer):
    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()
        self.templates: dict[str, object] = {}
        self.written_out: dict[str, object] = {}
        for name, (function, includes) in WRITTEN_OUT.items():
            if all(self._djangos_own(each) for each in [name, *includes]):
                self.written_out[name] = function

    def _djangos_own(self, template_name: str) -> bool:
        """Whether `template_name` is Django's own template (no app overrides it)."""
        template = self.jinja2.get_template(template_name).template
        return Path(template.filename).is_relative_to(DJANGO_FORMS)

    def get_template(self, template_name: str):
        template = self.templates.get(template_name)
        if template is None:
            try:
                template = self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                template = self.django.get_template(template_name)
            self.templates[template_name] = template
        return template

    def render(self, template_name, context, request=None):
        function = self.written_out.get(template_name)
        if function is not None:
            html = function(context)
            if html is not None:
                return html
        return self.get_template(template_name).render(context, request=request).strip()
