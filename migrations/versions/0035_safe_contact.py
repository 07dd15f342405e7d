"""Safe contact (issue #28): a request that may receive no text message at all, tracked
with a PIN; and staff-entered requests without a mobile (applicant_mobile nullable).

Revision ID: 0035_safe_contact
Revises: 0034_health_check_trust
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0035_safe_contact'
down_revision = '0034_health_check_trust'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safe_contact', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('contact_how', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('pin_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('pin_tries', sa.Integer(), nullable=False, server_default='0'))
        batch_op.alter_column('applicant_mobile', existing_type=sa.String(length=16), nullable=True)


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.alter_column('applicant_mobile', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column('pin_tries')
        batch_op.drop_column('pin_hash')
        batch_op.drop_column('contact_how')
        batch_op.drop_column('safe_contact')
