"""People's mediation, round three (issue 34): referral channels with the referring body and
the court's case number and deadline, committees of every level with their mediators, each
party's rights and duties read and public or non-public chosen, the other party's summary,
a request for another mediator, session records and the escalation risk

Revision ID: 0038_mediation_round_three
Revises: 0034_health_check_trust
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0038_mediation_round_three"
down_revision = "0037_legal_aid_documents"
branch_labels = None
depends_on = None

CASE_COLUMNS = (
    ("referring_body", sa.String(length=200)),
    ("referral_document", sa.String(length=100)),
    ("court_case_number", sa.String(length=100)),
    ("court_deadline", sa.Date()),
    ("court_report", sa.Text()),
    ("court_reported_at", sa.DateTime()),
    ("applicant_rights_read_at", sa.DateTime()),
    ("applicant_private", sa.Boolean()),
    ("party_rights_read_at", sa.DateTime()),
    ("party_private", sa.Boolean()),
    ("party_summary", sa.Text()),
    ("mediator_change_by", sa.String(length=16)),
    ("mediator_change_reason", sa.Text()),
    ("mediator_change_decision", sa.Text()),
    ("escalation_level", sa.String(length=16)),
    ("escalation_steps", sa.String(length=200)),
    ("escalation_note", sa.Text()),
    ("escalation_set_at", sa.DateTime()),
)


def upgrade():
    # Nullable columns only: no rewrite of the case table.
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        for name, type_ in CASE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("mediation_committee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=200), nullable=True))
    op.create_table(
        "mediation_committee_member",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["mediation_committee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("committee_id", "user_id"),
    )
    op.create_table(
        "mediation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("applicant_statement", sa.Text(), nullable=False),
        sa.Column("party_statement", sa.Text(), nullable=False),
        sa.Column("mediator_proposals", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["mediation_case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["mediation_session.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["written_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["signed_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mediation_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_record_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mediation_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_record_case_id"))
    op.drop_table("mediation_record")
    op.drop_table("mediation_committee_member")
    with op.batch_alter_table("mediation_committee", schema=None) as batch_op:
        batch_op.drop_column("area")
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        for name, _type in reversed(CASE_COLUMNS):
            batch_op.drop_column(name)
