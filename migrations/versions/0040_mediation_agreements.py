"""People's mediation agreements as data (issue 35): the agreement's day, session, main facts
and performance method, its terms and its signatures and seal; judicial confirmation; the
major, enterprise-related and 民转刑 marks the figures count; a committee's level is named
`level` (issue 38)

Revision ID: 0040_mediation_agreements
Revises: 0035_safe_contact
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0040_mediation_agreements"
down_revision = "0045_names_of_types"
branch_labels = None
depends_on = None

CASE_COLUMNS = (
    ("turned_criminal", sa.Boolean()),
    ("major", sa.Boolean()),
    ("enterprise_related", sa.Boolean()),
    ("agreement_reached_on", sa.Date()),
    ("agreement_session_id", sa.Integer()),
    ("agreement_facts", sa.Text()),
    ("performance_method", sa.Text()),
    ("confirmation_court", sa.String(length=200)),
    ("confirmation_applied_on", sa.Date()),
    ("confirmation_result", sa.String(length=16)),
    ("confirmation_decided_on", sa.Date()),
    ("confirmation_number", sa.String(length=100)),
)


def upgrade():
    # Nullable columns only: no rewrite of the case table on PostgreSQL.
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        for name, type_ in CASE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("mediation_committee", schema=None) as batch_op:
        batch_op.alter_column("kind", new_column_name="level", existing_type=sa.String(length=16))
    op.create_table(
        "mediation_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("obligor", sa.String(length=100), nullable=False),
        sa.Column("obligation", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=200), nullable=True),
        sa.Column("performance", sa.String(length=16), nullable=True),
        sa.Column("performance_noted_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["mediation_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mediation_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_term_case_id"), ["case_id"], unique=False)
    op.create_table(
        "mediation_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("signer", sa.String(length=32), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["mediation_case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "signer", name="uq_mediation_signature_case_id"),
    )
    with op.batch_alter_table("mediation_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_signature_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mediation_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_signature_case_id"))
    op.drop_table("mediation_signature")
    with op.batch_alter_table("mediation_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_term_case_id"))
    op.drop_table("mediation_term")
    with op.batch_alter_table("mediation_committee", schema=None) as batch_op:
        batch_op.alter_column("level", new_column_name="kind", existing_type=sa.String(length=16))
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        for name, _type in reversed(CASE_COLUMNS):
            batch_op.drop_column(name)
