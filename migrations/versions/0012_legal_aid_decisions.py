"""legal aid decisions: the one materials request and its paused clock, early aid,
decisions in writing, termination (Art. 48) and objections (Art. 49)

Revision ID: 0012_legal_aid_decisions
Revises: 0011_health_checks
Create Date: 2026-11-30 14:55:45.750530

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_legal_aid_decisions'
down_revision = '0011_health_checks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('decision_days_left', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('materials_received_via', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('early_aid_ground', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('early_aid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('early_aid_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('early_aid_ended_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('termination_ground', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('termination_reasons', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('terminated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('objection_to', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('objection_reasons', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('objection_filed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('objection_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('objection_outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('objection_review', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.drop_column('objection_review')
        batch_op.drop_column('objection_outcome')
        batch_op.drop_column('objection_due_at')
        batch_op.drop_column('objection_filed_at')
        batch_op.drop_column('objection_reasons')
        batch_op.drop_column('objection_to')
        batch_op.drop_column('terminated_at')
        batch_op.drop_column('termination_reasons')
        batch_op.drop_column('termination_ground')
        batch_op.drop_column('refused_at')
        batch_op.drop_column('approval_note')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('early_aid_ended_at')
        batch_op.drop_column('early_aid_at')
        batch_op.drop_column('early_aid_until')
        batch_op.drop_column('early_aid_ground')
        batch_op.drop_column('materials_received_via')
        batch_op.drop_column('decision_days_left')
        batch_op.drop_column('materials_requested_at')
