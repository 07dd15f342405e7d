"""Count the SQL statements a block of code sends: one listener on the engine, for the
duration of a `with` block (never a process-wide listener on every Session).

    with counted_statements(db.engine) as sent:
        client.get("/staff/requests/LA…")
    assert len(sent) <= 9, "\\n".join(sent)

The count is exact whatever the machine's load, so a page's statement budget can be
pinned in a test where a timing cannot.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET LOCAL)\b", re.IGNORECASE)


class Statements(list):
    """The statements sent, in order (their SQL text); `len()` is the count, and
    `parameters` holds each one's parameters as sent to the driver."""

    def __init__(self):
        super().__init__()
        self.parameters = []

    def __str__(self) -> str:
        return "\n".join(f"{n}. {' '.join(sql.split())[:300]}" for n, sql in enumerate(self, 1))


@contextmanager
def counted_statements(engine: Engine) -> Iterator[Statements]:
    """Collect every statement `engine` sends inside the block, but the transaction's own
    (BEGIN, COMMIT, savepoints, PostgreSQL's SET LOCAL statement_timeout): the same page
    then counts the same on SQLite and PostgreSQL."""
    sent = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        if not TRANSACTION_CONTROL.match(statement):
            sent.append(statement)
            sent.parameters.append(parameters)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
