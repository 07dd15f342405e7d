"""Written consultations (issue #39): the written question (WQ), the duty roster, and the
archive's search tokens (character bigrams, index-backed on SQLite and PostgreSQL), and
the log of 12348 calls, walk-ins and outreach contacts

Revision ID: 0039_written_consultations
Revises: 0034_health_check_trust
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0039_written_consultations'
down_revision = '0038_mediation_round_three'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('written_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('suitable', sa.Boolean(), nullable=False),
    sa.Column('referral', sa.String(length=16), nullable=True),
    sa.Column('follow_up_question', sa.Text(), nullable=True),
    sa.Column('follow_up_answer', sa.Text(), nullable=True),
    sa.Column('public_question', sa.Text(), nullable=True),
    sa.Column('public_answer', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['service_request.id'], name=op.f('fk_written_question_id_service_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_written_question_reviewed_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_question'))
    )
    op.create_table('written_duty_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_written_duty_day_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_duty_day')),
    sa.UniqueConstraint('day', 'user_id', name=op.f('uq_written_duty_day_day'))
    )
    with op.batch_alter_table('written_duty_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_written_duty_day_day'), ['day'], unique=False)
    op.create_table('written_archive_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['written_question.id'], name=op.f('fk_written_archive_token_question_id_written_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_archive_token'))
    )
    with op.batch_alter_table('written_archive_token', schema=None) as batch_op:
        batch_op.create_index('ix_written_archive_token_token', ['token', 'question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_written_archive_token_question_id'), ['question_id'], unique=False)
    op.create_table('consultation_log_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('mobile', sa.String(length=16), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('referral', sa.String(length=16), nullable=True),
    sa.Column('logged_on', sa.Date(), nullable=False),
    sa.Column('logged_at', sa.DateTime(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], name=op.f('fk_consultation_log_entry_logged_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_consultation_log_entry_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_log_entry'))
    )
    with op.batch_alter_table('consultation_log_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_log_entry_logged_on'), ['logged_on'], unique=False)


def downgrade():
    op.drop_table('consultation_log_entry')
    op.drop_table('written_archive_token')
    op.drop_table('written_duty_day')
    op.drop_table('written_question')
