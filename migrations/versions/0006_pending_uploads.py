"""pending uploads: files staged before their request exists

Revision ID: 0006_pending_uploads
Revises: 0005_township_search_keys
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_pending_uploads'
down_revision = '0005_township_search_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('session_key', sa.String(length=32), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_upload')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_pending_upload_stored_name')),
        sa.UniqueConstraint('token', name=op.f('uq_pending_upload_token')),
    )
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_upload_session_key'), ['session_key'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_upload_session_key'))
        batch_op.drop_index(batch_op.f('ix_pending_upload_created_at'))
    op.drop_table('pending_upload')
