"""Legal aid assignment and closing: notices (通知辩护), Art. 26 cases, change of person, closing review

Revision ID: 0014_legal_aid_assignment
Revises: 0013_security
Create Date: 2026-12-04 04:36:16.886757

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_legal_aid_assignment'
down_revision = '0020_job_leases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='application', nullable=False))
        batch_op.add_column(sa.Column('notice_authority', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('notice_case_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('charge', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('detention_place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('notice_received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('serious_sentence', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('change_reasons', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('change_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('case_ended_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closing_outcome', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('closing_submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closing_returned_reason', sa.Text(), nullable=True))
        batch_op.alter_column('pledge_accepted_at',
               existing_type=sa.DateTime(),
               nullable=True)
        batch_op.alter_column('consent_accepted_at',
               existing_type=sa.DateTime(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_legal_aid_application_closing_outcome'), ['closing_outcome'], unique=False)



def downgrade():
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_aid_application_closing_outcome'))
        batch_op.alter_column('consent_accepted_at',
               existing_type=sa.DateTime(),
               nullable=False)
        batch_op.alter_column('pledge_accepted_at',
               existing_type=sa.DateTime(),
               nullable=False)
        batch_op.drop_column('closing_returned_reason')
        batch_op.drop_column('closing_submitted_at')
        batch_op.drop_column('closing_outcome')
        batch_op.drop_column('case_ended_on')
        batch_op.drop_column('change_requested_at')
        batch_op.drop_column('change_reasons')
        batch_op.drop_column('serious_sentence')
        batch_op.drop_column('notice_received_on')
        batch_op.drop_column('detention_place')
        batch_op.drop_column('charge')
        batch_op.drop_column('notice_case_number')
        batch_op.drop_column('notice_authority')
        batch_op.drop_column('source')

