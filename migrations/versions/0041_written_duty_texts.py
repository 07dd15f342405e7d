"""Written consultations (issue #39): the mobile a duty lawyer is texted at when a
question arrives, when its first answer was due (the figures), and the archive's use
counted by day (no personal data)

Revision ID: 0041_written_duty_texts
Revises: 0035_safe_contact
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0041_written_duty_texts"
down_revision = "0040_mediation_agreements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("written_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_due_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("written_duty_day", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mobile", sa.String(length=16), nullable=True))
    op.create_table(
        "written_archive_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("what", sa.String(length=12), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_written_archive_use")),
        sa.UniqueConstraint("day", "what", name=op.f("uq_written_archive_use_day")),
    )


def downgrade():
    op.drop_table("written_archive_use")
    with op.batch_alter_table("written_duty_day", schema=None) as batch_op:
        batch_op.drop_column("mobile")
    with op.batch_alter_table("written_question", schema=None) as batch_op:
        batch_op.drop_column("answer_due_at")
