"""The queue sorted by received date: a keyset index (type, open, received, id), so that
the open tabs page by received date as fast as by due date

Revision ID: 0028_queue_received
Revises: 0025_intake_state
Create Date: 2026-12-06

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_queue_received'
down_revision = '0025_intake_state'
branch_labels = None
depends_on = None

NAME = 'ix_request_queue_received'
COLUMNS = ['request_type', 'is_open', 'created_at', 'id']


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # A big table: build the index without blocking writes (outside the transaction).
        with op.get_context().autocommit_block():
            op.create_index(NAME, 'service_request', COLUMNS, unique=False, postgresql_concurrently=True)
    else:
        op.create_index(NAME, 'service_request', COLUMNS, unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name='service_request', postgresql_concurrently=True)
    else:
        op.drop_index(NAME, table_name='service_request')
