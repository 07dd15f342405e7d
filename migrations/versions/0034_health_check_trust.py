"""Health checks an enterprise can trust: each team member's conflict declaration and
pledge, the enterprise's objection to a member, the organising partners, and the report's
frozen facts (team, visit dates, scope, limits)

Revision ID: 0034_health_check_trust
Revises: 0029_legal_aid_anyone
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0034_health_check_trust'
down_revision = '0029_legal_aid_anyone'
branch_labels = None
depends_on = None

MEMBER_COLUMNS = (
    ('conflict', sa.String(length=12)),
    ('conflict_note', sa.Text()),
    ('declared_at', sa.DateTime()),
    ('pledge_text', sa.Text()),
    ('pledged_at', sa.DateTime()),
    ('removed_reason', sa.String(length=12)),
    ('objection', sa.Text()),
    ('objected_at', sa.DateTime()),
    ('objection_decision', sa.String(length=12)),
    ('objection_reasons', sa.Text()),
    ('objection_decided_at', sa.DateTime()),
)


def upgrade():
    # Small tables: nullable columns only, no rewrite and no index.
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        for name, type_ in MEMBER_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partners', sa.String(length=100), nullable=True))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('context')
    with op.batch_alter_table('health_check', schema=None) as batch_op:
        batch_op.drop_column('partners')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        for name, _type in reversed(MEMBER_COLUMNS):
            batch_op.drop_column(name)
