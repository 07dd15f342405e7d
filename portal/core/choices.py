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
