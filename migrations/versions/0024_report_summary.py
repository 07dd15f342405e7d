"""The report's monthly summary: each kind's months, their versions and stored numbers;
the id in the report index, so that a month is counted from the two indexes alone

Revision ID: 0024_report_summary
Revises: 0022_report_facts
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024_report_summary'
down_revision = '0022_report_facts'
branch_labels = None
depends_on = None


REPORT_INDEX = ['request_type', 'created_at', 'status', 'is_open', 'township_id']


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_report')
        batch_op.create_index('ix_request_report', [*REPORT_INDEX, 'id'], unique=False)
    op.create_table(
        'report_month',
        sa.Column('request_type', sa.String(length=4), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('computed_version', sa.Integer(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('request_type', 'month', name=op.f('pk_report_month')),
    )
    op.create_table(
        'report_month_value',
        sa.Column('request_type', sa.String(length=4), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('township_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('request_type', 'month', 'township_id', 'key', name=op.f('pk_report_month_value')),
    )


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_report')
        batch_op.create_index('ix_request_report', REPORT_INDEX, unique=False)
    op.drop_table('report_month_value')
    op.drop_table('report_month')
