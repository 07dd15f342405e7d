"""The period each stored deadline was counted from (start, days, how counted), so that a
change of the holiday calendar counts the open deadlines again (SPEC §3)

Revision ID: 0027_deadline_period
Revises: 0024_report_summary
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_deadline_period'
down_revision = '0024_report_summary'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns without a default: PostgreSQL and SQLite add them without
    # rewriting the table (no batch copy of service_request). Deadlines set before this
    # migration keep no period and are not counted again; new ones are.
    op.add_column('service_request', sa.Column('due_from', sa.DateTime(), nullable=True))
    op.add_column('service_request', sa.Column('due_days', sa.Integer(), nullable=True))
    op.add_column('service_request', sa.Column('due_count', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_column('due_count')
        batch_op.drop_column('due_days')
        batch_op.drop_column('due_from')
