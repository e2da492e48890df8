from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£380,150 for whole pounds, £1,234.50 otherwise; never rounds pennies away."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"£{intcomma(int(amount))}"
    return f"£{intcomma(f'{amount:.2f}')}"
