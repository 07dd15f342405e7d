"""An index on consultation_booking.slot_id: the desk's day view reads a day's bookings by
their slots, and without it SQLite walked every service request (1M rows: 84 ms a view,
growing with the years of requests) to find a handful of bookings (issue #40)

Revision ID: 0046_booking_slot_index
Revises: 0044_open_case_lawyer
Create Date: 2026-12-07

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0046_booking_slot_index'
down_revision = '0044_open_case_lawyer'
branch_labels = None
depends_on = None

NAME = 'ix_booking_slot'


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # Built without blocking the desk's writes (outside the transaction).
        with op.get_context().autocommit_block():
            op.create_index(NAME, 'consultation_booking', ['slot_id'], unique=False, postgresql_concurrently=True)
    else:
        op.create_index(NAME, 'consultation_booking', ['slot_id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name='consultation_booking', postgresql_concurrently=True)
    else:
        op.drop_index(NAME, table_name='consultation_booking')
