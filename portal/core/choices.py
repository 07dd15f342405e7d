"""Select-box options in the form WTForms 3.3+ expects (SelectChoice, not tuples)."""

from collections.abc import Iterable, Mapping

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple] | Mapping) -> list[SelectChoice]:
    """Options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]


def grouped(groups: Mapping) -> list[SelectChoice]:
    """Options in <optgroup>s from {group label: {value: label}}."""
    return [
        SelectChoice(value, label, optgroup=group)
        for group, members in groups.items()
        for value, label in members.items()
    ]
