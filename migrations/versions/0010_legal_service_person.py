"""legal service person: the profile of a lawyer, grassroots legal service worker or volunteer, and their specialties

Revision ID: 0010_legal_service_person
Revises: 0009_legal_aid_intake
Create Date: 2026-11-30 14:18:24.730981

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_legal_service_person'
down_revision = '0009_legal_aid_intake'
branch_labels = None
depends_on = None


def upgrade():
    # One profile per staff account.
    op.create_table('legal_service_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('licence_number', sa.String(length=40), nullable=True),
    sa.Column('practising_since', sa.Date(), nullable=True),
    sa.Column('firm', sa.String(length=200), nullable=True),
    sa.Column('work_phone', sa.String(length=20), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_legal_service_person_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_service_person')),
    sa.UniqueConstraint('user_id', name=op.f('uq_legal_service_person_user_id'))
    )
    # One row per specialty code (portal.accounts.specialties); pickers look up by code.
    op.create_table('legal_service_specialty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['legal_service_person.id'], name=op.f('fk_legal_service_specialty_person_id_legal_service_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_service_specialty')),
    sa.UniqueConstraint('person_id', 'code', name=op.f('uq_legal_service_specialty_person_id'))
    )
    with op.batch_alter_table('legal_service_specialty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_service_specialty_code'), ['code'], unique=False)


def downgrade():
    with op.batch_alter_table('legal_service_specialty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_service_specialty_code'))

    op.drop_table('legal_service_specialty')
    op.drop_table('legal_service_person')
