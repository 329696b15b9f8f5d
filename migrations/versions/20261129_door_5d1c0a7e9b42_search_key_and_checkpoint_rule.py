"""door: a folded search key for registrations, a check-in rule per checkpoint

Revision ID: 5d1c0a7e9b42
Revises: 0c01e4a4ef57
Create Date: 2026-11-29 12:50:00

The search key of existing registrations is filled in here, with the same folding the
services use (``conference.folding``).
"""
from alembic import op
import sqlalchemy as sa

from conference.folding import person_search_key


# revision identifiers, used by Alembic.
revision = '5d1c0a7e9b42'
down_revision = '0c01e4a4ef57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=2000), nullable=False,
                                      server_default=''))
        batch_op.create_index('ix_registration_search', ['event_id', 'search_key'],
                              unique=False)
    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_rule', sa.Enum(
            'once', 'daily', 'unlimited', name='checkinrule', native_enum=False, length=13),
            nullable=True))

    registration = sa.table(
        'registration', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
        sa.column('last_name', sa.String), sa.column('organization', sa.String),
        sa.column('email', sa.String), sa.column('search_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(
        registration.c.id, registration.c.first_name, registration.c.last_name,
        registration.c.organization, registration.c.email)).all()
    for row in rows:
        connection.execute(
            registration.update().where(registration.c.id == row.id).values(
                search_key=person_search_key(row.first_name, row.last_name,
                                             row.organization or '', row.email)))


def downgrade():
    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.drop_column('checkin_rule')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_search')
        batch_op.drop_column('search_key')
