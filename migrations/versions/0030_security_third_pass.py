"""Security, third pass (issue #37): the last accepted TOTP time step of each account;
the SMS receipt signatures accepted within the replay window; one waiting-list entry
per mobile and service point (earlier duplicates cancelled, the first kept)

Revision ID: 0030_security_third_pass
Revises: 0027_deadline_period
Create Date: 2026-12-06 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_security_third_pass'
down_revision = '0027_deadline_period'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table('seen_receipt',
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('signed_at', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('signature', name=op.f('pk_seen_receipt'))
    )
    with op.batch_alter_table('seen_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seen_receipt_seen_at'), ['seen_at'], unique=False)

    op.execute(
        "UPDATE waiting_list_entry SET status = 'cancelled' WHERE status = 'waiting' AND id NOT IN "
        "(SELECT MIN(id) FROM waiting_list_entry WHERE status = 'waiting' GROUP BY service_point_id, mobile)"
    )
    op.create_index(
        'uq_waiting_list_entry_waiting_mobile', 'waiting_list_entry', ['service_point_id', 'mobile'],
        unique=True, sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"),
    )


def downgrade():
    op.drop_index('uq_waiting_list_entry_waiting_mobile', table_name='waiting_list_entry')
    with op.batch_alter_table('seen_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seen_receipt_seen_at'))
    op.drop_table('seen_receipt')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
