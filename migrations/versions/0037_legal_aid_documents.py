"""Legal aid documents (issue #33): one 文号 series per document type (a number unique per
series and year), the bureau's decisions on objections kept as history, the refusal's
ground, and the subsidy and quality review recorded at closing

Revision ID: 0037_legal_aid_documents
Revises: 0034_health_check_trust
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037_legal_aid_documents"
down_revision = "0034_health_check_trust"
branch_labels = None
depends_on = None

APPLICATION_COLUMNS = (
    ("refusal_ground", sa.String(length=24)),
    ("subsidy_amount", sa.Numeric(precision=10, scale=2)),
    ("quality_grade", sa.String(length=16)),
    ("quality_note", sa.Text()),
)


#: portal/legal_aid/figures.py REPORT_INDEX: the figures now also read the assignment's
#: time and deadline ("assigned within the time limit").
OLD_REPORT_COLUMNS = [
    "id",
    "decided_at",
    "decision_due_at",
    "approved_at",
    "refused_at",
    "terminated_at",
    "objection_filed_at",
    "early_aid_at",
    "termination_ground",
    "objection_outcome",
    "lawyer_id",
    "source",
    "closing_outcome",
]
REPORT_COLUMNS = [*OLD_REPORT_COLUMNS, "assigned_at", "assign_due_at"]


def _replace_report_index(columns):
    """Rebuild ix_legal_aid_report with other columns; on PostgreSQL without blocking
    writes (CONCURRENTLY, beside the old one, then renamed), as 0024_report_summary does."""
    name = "ix_legal_aid_report"
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("legal_aid_application", schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
        return
    building = f"{name}_building"
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")
        op.execute(f"CREATE INDEX CONCURRENTLY {building} ON legal_aid_application ({', '.join(columns)})")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        op.execute(f"ALTER INDEX {building} RENAME TO {name}")


def upgrade():
    op.create_table(
        "legal_aid_document_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["legal_aid_application.id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_legal_aid_document_number"),
        sa.UniqueConstraint("series", "year", "number", name="uq_legal_aid_document_number"),
    )
    op.create_index(
        "ix_legal_aid_document_number_application_id", "legal_aid_document_number", ["application_id"]
    )
    op.create_table(
        "legal_aid_objection_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("objected_to", sa.String(length=16), nullable=False),
        sa.Column("objected_number", sa.String(length=60), nullable=True),
        sa.Column("objection_reasons", sa.Text(), nullable=True),
        sa.Column("objection_filed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["legal_aid_application.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name="fk_legal_aid_objection_outcome_reviewer_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_legal_aid_objection_outcome"),
    )
    for column in ("application_id", "outcome", "decided_at"):
        op.create_index(f"ix_legal_aid_objection_outcome_{column}", "legal_aid_objection_outcome", [column])
    # Existing objection outcomes (one field each) become the first row of their history.
    op.execute(
        "INSERT INTO legal_aid_objection_outcome (application_id, objected_to, objection_reasons,"
        " objection_filed_at, outcome, reasons, number, decided_at)"
        " SELECT id, COALESCE(objection_to, ''), objection_reasons, objection_filed_at,"
        " objection_outcome, COALESCE(objection_review, ''), '', COALESCE(objection_filed_at, CURRENT_TIMESTAMP)"
        " FROM legal_aid_application WHERE objection_outcome IS NOT NULL"
    )
    with op.batch_alter_table("legal_aid_application", schema=None) as batch_op:
        for name, type_ in APPLICATION_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    _replace_report_index(REPORT_COLUMNS)


def downgrade():
    _replace_report_index(OLD_REPORT_COLUMNS)
    with op.batch_alter_table("legal_aid_application", schema=None) as batch_op:
        for name, _type in reversed(APPLICATION_COLUMNS):
            batch_op.drop_column(name)
    for column in ("decided_at", "outcome", "application_id"):
        op.drop_index(f"ix_legal_aid_objection_outcome_{column}", table_name="legal_aid_objection_outcome")
    op.drop_table("legal_aid_objection_outcome")
    op.drop_index("ix_legal_aid_document_number_application_id", table_name="legal_aid_document_number")
    op.drop_table("legal_aid_document_number")
