"""public face: event pitch, hero image, kind, seats display, widget origins; ticket type
includes; featured speakers; programme highlights; partners and sponsors

Revision ID: 3f6b9d2e8a14
Revises: 3e7b1c5d9f20
Create Date: 2026-11-29 16:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '3f6b9d2e8a14'
down_revision = '3e7b1c5d9f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('pitch', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('hero_filename', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column(
            'kind', sa.Enum('edition', 'workshop', 'training', 'study_visit', name='eventkind',
                            native_enum=False, length=15),
            nullable=False, server_default='edition'))
        batch.add_column(sa.Column(
            'seats_display', sa.Enum('exact', 'few_left', 'hidden', name='seatsdisplay',
                                     native_enum=False, length=12),
            nullable=False, server_default='few_left'))
        batch.add_column(sa.Column('few_seats_threshold', sa.Integer(), nullable=False,
                                   server_default='10'))
        batch.add_column(sa.Column('widget_origins', sa.String(length=500), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('ticket_type') as batch:
        batch.add_column(sa.Column('includes', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('speaker') as batch:
        batch.add_column(sa.Column('is_featured', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('session') as batch:
        batch.add_column(sa.Column('is_highlight', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        'partner',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('level', sa.Enum('host', 'gold', 'silver', 'partner_region', 'media',
                                   'partner', name='partnerlevel', native_enum=False,
                                   length=18), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('logo_filename', sa.String(length=200), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('partner') as batch:
        batch.create_index(batch.f('ix_partner_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('partner') as batch:
        batch.drop_index(batch.f('ix_partner_event_id'))
    op.drop_table('partner')
    with op.batch_alter_table('session') as batch:
        batch.drop_column('is_highlight')
    with op.batch_alter_table('speaker') as batch:
        batch.drop_column('is_featured')
    with op.batch_alter_table('ticket_type') as batch:
        batch.drop_column('includes')
    with op.batch_alter_table('event') as batch:
        for column in ('widget_origins', 'few_seats_threshold', 'seats_display', 'kind',
                       'hero_filename', 'pitch'):
            batch.drop_column(column)
