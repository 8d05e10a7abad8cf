"""{{ amount|money:currency }}: every amount a page shows, through config.money."""

from django import template

from config.money import money_text

register = template.Library()


@register.filter(name="money")
def money_filter(value, currency: str = "") -> str:
    if value in (None, ""):
        return ""
    return money_text(value, currency)
