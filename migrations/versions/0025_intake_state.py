"""intake state: one server-side intake per browser session and form, and used one-time keys;
legal aid's duplicate key (ID number and matter) indexed for the queue's probable-duplicate flag

Revision ID: 0025_intake_state
Revises: 0030_security_third_pass
Create Date: 2026-12-06 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_intake_state'
down_revision = '0030_security_third_pass'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intake_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_key', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('one_time_key', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('staged', sa.JSON(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('secret', sa.String(length=255), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_states')),
    sa.UniqueConstraint('session_key', 'endpoint', name=op.f('uq_intake_states_session_key'))
    )
    op.create_index(op.f('ix_intake_states_updated_at'), 'intake_states', ['updated_at'], unique=False)
    op.create_table('intake_submissions',
    sa.Column('one_time_key', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('one_time_key', name=op.f('pk_intake_submissions'))
    )
    op.create_index(op.f('ix_intake_submissions_created_at'), 'intake_submissions', ['created_at'], unique=False)
    # A big table: built without locking writes on PostgreSQL (outside the transaction).
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.create_index('ix_legal_aid_duplicate_key', 'legal_aid_application', ['id_number', 'matter_type'],
                            unique=False, postgresql_concurrently=True, if_not_exists=True)
    else:
        op.create_index('ix_legal_aid_duplicate_key', 'legal_aid_application', ['id_number', 'matter_type'],
                        unique=False)


def downgrade():
    op.drop_index('ix_legal_aid_duplicate_key', table_name='legal_aid_application')
    op.drop_index(op.f('ix_intake_submissions_created_at'), table_name='intake_submissions')
    op.drop_table('intake_submissions')
    op.drop_index(op.f('ix_intake_states_updated_at'), table_name='intake_states')
    op.drop_table('intake_states')
