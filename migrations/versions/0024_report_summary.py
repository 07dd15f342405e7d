"""The report's monthly summary: each kind's months, their versions and stored numbers;
the id in the report index, so that a month is counted from the two indexes alone, and
the township in the overdue and handler indexes, so that a township's report reads them alone

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
DUE_INDEX = ['request_type', 'is_open', 'due_sort']
HANDLER_INDEX = ['request_type', 'handler_id', 'is_open', 'priority', 'due_sort', 'id']


def _replace_index(name, columns):
    """Rebuild an index of service_request with other columns.

    On PostgreSQL without blocking writes (a plain CREATE INDEX locks the table against
    writes for as long as it builds: seconds at 1M rows, during a deploy): CONCURRENTLY,
    which cannot run inside a transaction, so in Alembic's autocommit block. The new index
    is built beside the old one under another name, then takes its name: queries keep an
    index throughout. A build that failed half-way leaves an invalid index: dropped first,
    so that the migration may simply run again. Every later migration that changes an
    index of a big table does the same (docs/operations.md, "Migrations").
    """
    if op.get_bind().dialect.name != 'postgresql':
        with op.batch_alter_table('service_request', schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
        return
    building = f'{name}_building'
    with op.get_context().autocommit_block():
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {building}')
        op.execute(f'CREATE INDEX CONCURRENTLY {building} ON service_request ({", ".join(columns)})')
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
        op.execute(f'ALTER INDEX {building} RENAME TO {name}')


def upgrade():
    _replace_index('ix_request_report', [*REPORT_INDEX, 'id'])
    _replace_index('ix_request_queue_due', [*DUE_INDEX, 'township_id'])
    _replace_index('ix_request_queue_handler', [*HANDLER_INDEX, 'township_id'])
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
    _replace_index('ix_request_report', REPORT_INDEX)
    _replace_index('ix_request_queue_due', DUE_INDEX)
    _replace_index('ix_request_queue_handler', HANDLER_INDEX)
    op.drop_table('report_month_value')
    op.drop_table('report_month')
