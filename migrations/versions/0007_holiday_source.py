"""holiday source (official import or staff) and the booking's .ics sequence

Revision ID: 0007_holiday_source
Revises: 0006_pending_uploads
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_holiday_source'
down_revision = '0006_pending_uploads'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows were entered by hand (demo data or staff): they count as "staff", so
    # that the first import from chinesecalendar leaves them as they are. The server
    # defaults only fill the rows already there; the models set the values from now on.
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='staff'))
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=16), server_default=None)

    with op.batch_alter_table('consultation_booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_sequence', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('consultation_booking', schema=None) as batch_op:
        batch_op.alter_column('ics_sequence', existing_type=sa.Integer(), server_default=None)


def downgrade():
    with op.batch_alter_table('consultation_booking', schema=None) as batch_op:
        batch_op.drop_column('ics_sequence')
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.drop_column('source')
