"""A covering index of the legal aid columns the report's figures read

Revision ID: 0022_report_facts
Revises: 0020_job_leases
Create Date: 2026-12-04

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_report_facts'
down_revision = '0014_legal_aid_assignment'
branch_labels = None
depends_on = None

#: portal/legal_aid/figures.py REPORT_INDEX: the annual report reads these instead of the rows.
COLUMNS = ['id', 'decided_at', 'decision_due_at', 'approved_at', 'refused_at', 'terminated_at',
           'objection_filed_at', 'early_aid_at', 'termination_ground', 'objection_outcome', 'lawyer_id',
           'source', 'closing_outcome']


def upgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.create_index('ix_legal_aid_report', COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_aid_report')
