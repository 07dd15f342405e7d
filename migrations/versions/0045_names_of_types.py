"""Names (issue #38): "kind" is kept for a request kind (RequestKind); the other columns
that were called `kind` get the name of what they hold. Plain RENAME COLUMN, which both
PostgreSQL and SQLite (3.25 and later) do in place, without copying a table.

Revision ID: 0045_names_of_types
Revises: 0035_safe_contact
Create Date: 2026-12-07

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0045_names_of_types'
down_revision = '0035_safe_contact'
branch_labels = None
depends_on = None


RENAMES = (
    ('user_account', 'kind', 'account_type'),
    ('legal_service_person', 'kind', 'profession'),
    ('service_point', 'kind', 'point_type'),
    ('village', 'kind', 'village_type'),
    ('adviser', 'kind', 'profession'),
    ('service_log_entry', 'kind', 'service_type'),
    ('enterprise_document', 'kind', 'document_type'),
    ('audit_event', 'actor_kind', 'actor_type'),
)


def upgrade():
    for table, old, new in RENAMES:
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {old} TO {new}')


def downgrade():
    for table, old, new in reversed(RENAMES):
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {new} TO {old}')
