"""Security, third pass (issue #37): the last accepted TOTP time step of each account

Revision ID: 0030_security_third_pass
Revises: 0024_report_summary
Create Date: 2026-12-06 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_security_third_pass'
down_revision = '0024_report_summary'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
