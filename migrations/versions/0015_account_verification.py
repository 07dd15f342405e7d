"""Accounts: when the mobile was last proved by an SMS code, and a counter reset's
"change your password at the next sign-in".

Revision ID: 0015_account_verification
Revises: 0019_message_delivery
Create Date: 2026-12-04 04:31:39.872877

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_account_verification'
down_revision = '0019_message_delivery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('mobile_verified_at')

