"""job leases: when each scheduled job last ran and who holds it

Revision ID: 0020_job_leases
Revises: 0013_security
Create Date: 2026-12-04 03:53:18.952919

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_job_leases'
down_revision = '0018_ratings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_job',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('last_started_at', sa.DateTime(), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_outcome', sa.String(length=16), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('lease_holder', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_job'))
    )


def downgrade():
    op.drop_table('scheduled_job')
