"""identity: whom each audit event is addressed to (applicant, other party, both, staff
only) instead of one "public" flag, so that each party sees only their own; whether a
request's mobile was proven by a code, so that the account of that mobile lists it

Revision ID: 0026_identity
Revises: 0028_queue_received
Create Date: 2026-12-06 23:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_identity"
down_revision = "0028_queue_received"
branch_labels = None
depends_on = None

#: Mediation steps that tell the other party (their transitions have a party notice), as
#: the code stood when this ran: their public events concern both sides.
BOTH_SIDES_ACTIONS = (
    "accept",
    "decline",
    "party_agree",
    "party_refuse",
    "start",
    "schedule_session",
    "record_agreement",
    "record_failure",
    "applicant_end",
    "party_end",
)


def upgrade():
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=10), nullable=False, server_default="staff"))
    listed = ", ".join(f"'{action}'" for action in BOTH_SIDES_ACTIONS)
    op.execute(
        sa.text(
            f"""
            UPDATE audit_event SET audience = CASE
                WHEN action = 'message' THEN 'applicant'
                WHEN action = 'message_party' THEN 'party'
                WHEN NOT is_public THEN 'staff'
                WHEN action = 'submit' THEN 'both'
                WHEN action IN ({listed}) AND EXISTS (
                    SELECT 1 FROM request_party WHERE request_party.request_id = audit_event.request_id
                ) THEN 'both'
                ELSE 'applicant'
            END
            """
        )
    )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("is_public")
    # Requests made before this was recorded stay unproven: never listed by mobile alone.
    # A plain ADD COLUMN (SQLite has it): a batch would copy the table, and dropping the old
    # one would cascade to every table that points at a request.
    op.add_column(
        "service_request", sa.Column("mobile_proven", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade():
    op.drop_column("service_request", "mobile_proven")  # SQLite 3.35+ drops a column in place
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("is_public", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(sa.text("UPDATE audit_event SET is_public = (audience <> 'staff')"))
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("audience")
