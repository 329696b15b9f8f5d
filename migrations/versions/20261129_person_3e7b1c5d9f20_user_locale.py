"""person: the language of a staff account (reviewers, organizers, door staff)

Revision ID: 3e7b1c5d9f20
Revises: c4e1a7b93f20
Create Date: 2026-11-29 16:10:00

Attendees (``registration.locale``) and speakers (``speaker.locale``) have a language
already; accounts get one, so that the emails to a reviewer or organizer are in theirs.
Existing accounts start in English, as the emails they got so far were.
"""
from alembic import op
import sqlalchemy as sa


revision = '3e7b1c5d9f20'
down_revision = 'c4e1a7b93f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=8), nullable=False,
                                   server_default='en'))


def downgrade():
    with op.batch_alter_table('user') as batch:
        batch.drop_column('locale')
