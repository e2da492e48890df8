from django import template

from reviews.rules import ClockStatus

register = template.Library()

TAG_COLOURS = {
    ClockStatus.BREACHED: "govuk-tag--red",
    ClockStatus.LATE: "govuk-tag--red",
    ClockStatus.DUE_SOON: "govuk-tag--orange",
    ClockStatus.RUNNING: "govuk-tag--blue",
    ClockStatus.MET: "govuk-tag--green",
    ClockStatus.NOT_STARTED: "govuk-tag--grey",
}


@register.filter
def overdue_on(action, today) -> bool:
    """{% if action|overdue_on:today %}: the model's computed overdue rule."""
    return action.is_overdue(today)


@register.inclusion_tag("reviews/includes/clock_tag.html")
def clock_tag(clock):
    return {"clock": clock, "colour": TAG_COLOURS[clock.status]}


@register.simple_tag
def days_left_text(clock) -> str:
    """'3 working days left', 'due today', '2 days overdue'; blank when the clock is not running."""
    if clock.days_left is None:
        return ""
    unit = clock.rule.days_unit
    if clock.days_left > 0:
        return f"{clock.days_left} {unit.replace('days', 'day') if clock.days_left == 1 else unit} left"
    if clock.days_left == 0:
        return "due today"
    overdue = -clock.days_left
    return f"{overdue} {unit.replace('days', 'day') if overdue == 1 else unit} overdue"
