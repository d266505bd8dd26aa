"""French grammar for templates (`{% load french %}`).

Django's `pluralize` follows English: "0 situations". French takes the
singular for 0 and 1: « 0 situation », « 1 situation », « 2 situations ».
"""

from django import template

register = template.Library()


@register.filter
def pluriel(value, suffixes: str = "s") -> str:
    """The plural suffix when `value` (a number, or a sized object) is 2 or more.

    `suffixes` is "plural" or "singular,plural", as for `pluralize`:
    `{{ n|pluriel:"sera,seront" }}`. A value that is not a number counts as one.
    """
    singular, plural = suffixes.split(",", 1) if "," in suffixes else ("", suffixes)
    try:
        count = abs(float(value))
    except (TypeError, ValueError):
        try:
            count = len(value)
        except TypeError:
            return singular
    return plural if count >= 2 else singular
