"""Safe contact (issue #28): a request that may receive no text message at all, tracked
with a PIN; and staff-entered requests without a mobile (applicant_mobile nullable).

Revision ID: 0035_safe_contact
Revises: 0034_health_check_trust
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0035_safe_contact'
down_revision = '0039_written_consultations'
branch_labels = None
depends_on = None


COLUMNS = (
    ('safe_contact', sa.Boolean(), dict(nullable=False, server_default=sa.false())),
    ('contact_how', sa.String(length=200), dict(nullable=True)),
    ('pin_hash', sa.String(length=255), dict(nullable=True)),
    ('pin_tries', sa.Integer(), dict(nullable=False, server_default='0')),
)


def _foreign_keys(on: bool) -> None:
    """SQLite changes a column's NULL by copying the table: with foreign keys on, dropping
    the old copy would cascade to every request's events, messages and files. Off for
    the copy (outside a transaction, as SQLite wants), on again after."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        raw = bind.connection.driver_connection
        raw.commit()  # SQLite ignores this PRAGMA inside a transaction
        raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _mobile(nullable: bool) -> None:
    _foreign_keys(False)
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.alter_column('applicant_mobile', existing_type=sa.String(length=16), nullable=nullable)
    _foreign_keys(True)


def upgrade():
    # New columns in place (no copy, no rewrite on PostgreSQL 11+); then the mobile nullable.
    for name, type_, options in COLUMNS:
        op.add_column('service_request', sa.Column(name, type_, **options))
    _mobile(True)


def downgrade():
    op.execute("UPDATE service_request SET applicant_mobile = '' WHERE applicant_mobile IS NULL")
    _mobile(False)
    for name, _, _ in reversed(COLUMNS):
        op.drop_column('service_request', name)  # SQLite 3.35+ drops a column in place
