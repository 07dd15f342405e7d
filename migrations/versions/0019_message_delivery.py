"""message delivery: template key and parameters, the recipient's language, provider ids, delivery receipts

Revision ID: 0019_message_delivery
Revises: 0013_security
Create Date: 2026-12-04 03:46:08.671541

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_message_delivery'
down_revision = '0013_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_key', sa.String(length=80), server_default='free_text', nullable=False))
        batch_op.add_column(sa.Column('params', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), server_default='zh_Hans', nullable=False))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('delivery', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_outbox_delivery', ['delivery'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_delivery')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('delivery')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('subject')
        batch_op.drop_column('locale')
        batch_op.drop_column('params')
        batch_op.drop_column('template_key')
