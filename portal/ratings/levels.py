"""The five levels of the national 好差评 scale, best first."""

from flask_babel import lazy_gettext as _l

LEVELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
#: Levels counted as satisfied in the satisfaction rate (满意率).
SATISFIED = frozenset({5, 4, 3})
#: Levels that open a follow-up for the supervisor.
POOR = frozenset({2, 1})
