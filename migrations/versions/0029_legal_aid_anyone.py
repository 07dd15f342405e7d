"""Legal aid round 3: notices for anyone (ID type, nationality, identity unknown, ground,
custody, the notice's date), forwarded applications (Art. 39 dates), a retained lawyer or
agent; the legal-service person's criminal practice (Art. 26) and minors flag

Revision ID: 0029_legal_aid_anyone
Revises: 0026_identity
Create Date: 2026-12-06

Existing profiles get no criminal-practice date: an administrator enters it before the
person is offered for an Art. 26 case again (the licensing date is not that experience).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029_legal_aid_anyone'
down_revision = '0026_identity'
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    ('id_type', sa.String(length=16)),
    ('id_document', sa.String(length=40)),
    ('nationality', sa.String(length=60)),
    ('person_description', sa.Text()),
    ('counsel_retained', sa.Boolean()),
    ('notice_document_date', sa.Date()),
    ('notice_ground', sa.String(length=32)),
    ('custody', sa.String(length=32)),
    ('relative_name', sa.String(length=100)),
    ('forwarded_from', sa.String(length=24)),
    ('handed_in_on', sa.Date()),
    ('forwarded_on', sa.Date()),
)


def upgrade():
    # Adding nullable columns is a catalogue change on PostgreSQL (no table rewrite);
    # dropping NOT NULL likewise. SQLite rebuilds the table in the batch.
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        for name, type_ in NEW_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(
            sa.Column('identity_unknown', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.alter_column('id_number', existing_type=sa.String(length=18), nullable=True)
        batch_op.alter_column('gender', existing_type=sa.String(length=8), nullable=True)
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('legal_service_person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criminal_practice_since', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('familiar_with_minors', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('legal_service_person', schema=None) as batch_op:
        batch_op.drop_column('familiar_with_minors')
        batch_op.drop_column('criminal_practice_since')
    with op.batch_alter_table('legal_aid_application', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('gender', existing_type=sa.String(length=8), nullable=False)
        batch_op.alter_column('id_number', existing_type=sa.String(length=18), nullable=False)
        batch_op.drop_column('identity_unknown')
        for name, _type in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)
