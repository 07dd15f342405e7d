"""Select-box options in the form WTForms 3.3+ expects (SelectChoice, not tuples)."""

from collections.abc import Iterable, Mapping

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple] | Mapping) -> list[SelectChoice]:
    """Options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]


def township_options() -> list[SelectChoice]:
    """The county's townships and streets, in the page's language, in their usual order."""
    from flask_babel import get_locale
    from sqlalchemy import select

    from portal.core.models import Township
    from portal.extensions import db

    english = str(get_locale()) == "en"
    rows = db.session.execute(
        select(Township.id, Township.name, Township.name_en).order_by(Township.sort_order)
    )
    return options((t_id, name_en if english else name) for t_id, name, name_en in rows)


def grouped(groups: Mapping) -> list[SelectChoice]:
    """Options in <optgroup>s from {group label: {value: label}}."""
    return [
        SelectChoice(value, label, optgroup=group)
        for group, members in groups.items()
        for value, label in members.items()
    ]


def declared_values(choices):
    """Each value of a field's declared choices (option groups included)."""
    if isinstance(choices, dict):  # option groups
        for group in choices.values():
            yield from declared_values(group)
        return
    for choice in choices:
        if type(choice) is SelectChoice:
            yield choice.value
        elif isinstance(choice, tuple | list):
            yield choice[0]
        else:
            yield choice


def no_longer_offered(field) -> bool:
    """A stored answer that is not one of the field's options any more."""
    choices = getattr(field, "choices", None)
    if not choices or callable(choices) or field.data in (None, "", [], ()):
        return False
    offered = {str(value) for value in declared_values(choices)}
    chosen = field.data if isinstance(field.data, list | tuple) else [field.data]
    return any(str(value) not in offered for value in chosen)
