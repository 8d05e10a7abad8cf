"""How form fields are rendered: Django's own form templates, through Jinja2.

Django ships its form templates (fields, widgets, errors, formsets) for both template
engines, with the same markup; Jinja2 renders them in about half the CPU, which is most
of what the register and manage pages cost (bench/pages.py). Templates that exist only
for Django's engine (the admin's widget wrappers) are rendered by it.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
