"""service ratings (好差评): one rating per request, and the supervisor's follow-up of a poor one;
an index the reports count a period from

Revision ID: 0018_ratings
Revises: 0013_security
Create Date: 2026-12-04 04:06:42.533501

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_ratings'
down_revision = '0015_account_verification'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('follow_up_due_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_answer', sa.Text(), nullable=True),
    sa.Column('follow_up_answered_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_service_rating_level')),
    sa.ForeignKeyConstraint(['follow_up_answered_by_id'], ['user_account.id'], name=op.f('fk_service_rating_follow_up_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handler_id'], ['user_account.id'], name=op.f('fk_service_rating_handler_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_service_rating_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_rating')),
    sa.UniqueConstraint('request_id', name=op.f('uq_service_rating_request_id'))
    )
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_rating_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_service_rating_follow_up', ['follow_up_answered_at', 'follow_up_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_rating_handler_id'), ['handler_id'], unique=False)
    # The reports count a period's requests by state and township from this index alone.
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index('ix_request_report', ['request_type', 'created_at', 'status', 'is_open', 'township_id'],
                              unique=False)



def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_report')
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_rating_handler_id'))
        batch_op.drop_index('ix_service_rating_follow_up')
        batch_op.drop_index(batch_op.f('ix_service_rating_created_at'))

    op.drop_table('service_rating')
