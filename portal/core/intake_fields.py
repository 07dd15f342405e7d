"""The names of the shared intake's own fields and buttons (portal.core.intake), apart so that
the steps around it (the "sent already" proof) read them without importing the intake."""

#: Name of the language buttons that every intake form carries.
SWITCH_LANGUAGE = "switch_language"
#: Name of the elderly mode button of an intake form (value "1" on, "0" off).
SWITCH_ELDERLY = "switch_elderly"
#: Hidden field that carries the tokens of files staged by an earlier try.
STAGED_FIELD = "staged_upload"
#: Name of the check page's send button: the answers were read and accepted.
ANSWERS_CHECKED = "answers_checked"
#: Name of the check page's "Change" buttons (value: the field's id): the form again.
CHANGE_ANSWER = "change_answer"
#: Hidden field of the pages after the form ("check", "code", "proof"): answers on the server.
STEP_FIELD = "intake_step"
#: Hidden field of the form page: this submission's one-time key.
KEY_FIELD = "intake_key"
#: Query parameter of the "change the number" link: the form with the kept answers.
CHANGE_PARAM = "change"
