"""Template filters for multi-part text: `{% load portal_text %}` then
`{% for point in text|points %}` (see portal.text)."""

from django import template

from portal import text

register = template.Library()


@register.filter
def points(value):
    return text.points(value)


@register.filter
def is_list(value):
    return text.is_list(value)


@register.filter
def short_dates(value):
    return text.short_dates(value)
