"""Drafts (issue #30): an intake's answers are kept 7 days; a draft of a quick-exit form
is found again by its mobile (then proved by a code or the PIN), with a count of tries.

Revision ID: 0042_intake_drafts
Revises: 0035_safe_contact
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0042_intake_drafts'
down_revision = "0041_written_duty_texts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('intake_states') as batch_op:
        batch_op.add_column(sa.Column('draft_mobile', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('draft_tries', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_intake_states_draft_mobile'), ['draft_mobile'], unique=False)


def downgrade():
    with op.batch_alter_table('intake_states') as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_states_draft_mobile'))
        batch_op.drop_column('draft_tries')
        batch_op.drop_column('draft_mobile')
