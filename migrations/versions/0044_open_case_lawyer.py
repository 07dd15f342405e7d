"""The lawyer of each open legal aid case (legal_aid_application.open_case_lawyer_id,
None once the case is closed), indexed: the lawyer picker counts a person's open cases
without reading every closed case they ever had (issue #40)

Revision ID: 0044_open_case_lawyer
Revises: 0035_safe_contact
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0044_open_case_lawyer'
down_revision = '0042_intake_drafts'
branch_labels = None
depends_on = None

NAME = 'ix_legal_aid_open_case_lawyer'


def upgrade():
    op.add_column('legal_aid_application', sa.Column('open_case_lawyer_id', sa.Integer(), nullable=True))
    # Only cases with a lawyer: a small share of the rows, once.
    op.execute(
        "UPDATE legal_aid_application SET open_case_lawyer_id = lawyer_id "
        "WHERE lawyer_id IS NOT NULL AND id IN (SELECT id FROM service_request WHERE is_open)"
    )
    if op.get_bind().dialect.name == 'postgresql':
        # A big table: build the index without blocking writes (outside the transaction).
        with op.get_context().autocommit_block():
            op.create_index(
                NAME, 'legal_aid_application', ['open_case_lawyer_id'], unique=False, postgresql_concurrently=True
            )
    else:
        op.create_index(NAME, 'legal_aid_application', ['open_case_lawyer_id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name='legal_aid_application', postgresql_concurrently=True)
    else:
        op.drop_index(NAME, table_name='legal_aid_application')
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.drop_column('open_case_lawyer_id')
