"""feedback: attendees rate the event and its sessions (1-5, optional comment)

Revision ID: be4ebb1f944c
Revises: 9a4c7e2b1d30
Create Date: 2026-11-29 16:10:00

One rating per attendee and target: UNIQUE(registration_id, session_id) for sessions and a
partial unique index for the event rating (``session_id IS NULL``), on both databases.
"""
from alembic import op
import sqlalchemy as sa


revision = 'be4ebb1f944c'
down_revision = '9a4c7e2b1d30'
branch_labels = None
depends_on = None

EVENT_RATING = sa.text('session_id IS NULL')


def upgrade():
    op.create_table(
        'feedback_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('opening', sa.Enum('after_event', 'after_session', name='feedbackopening',
                                     native_enum=False, length=17), nullable=False),
        sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('rating', sa.SmallInteger(), nullable=False),
        sa.Column('comment', sa.String(length=2000), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5', name='ck_feedback_rating'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id', 'session_id',
                            name='uq_feedback_registration_session'),
    )
    with op.batch_alter_table('feedback') as batch:
        batch.create_index('ix_feedback_event_session', ['event_id', 'session_id'])
        batch.create_index(batch.f('ix_feedback_session_id'), ['session_id'])
        batch.create_index('uq_feedback_registration_event', ['registration_id'], unique=True,
                           postgresql_where=EVENT_RATING, sqlite_where=EVENT_RATING)


def downgrade():
    with op.batch_alter_table('feedback') as batch:
        batch.drop_index('uq_feedback_registration_event', postgresql_where=EVENT_RATING,
                         sqlite_where=EVENT_RATING)
        batch.drop_index(batch.f('ix_feedback_session_id'))
        batch.drop_index('ix_feedback_event_session')
    op.drop_table('feedback')
    op.drop_table('feedback_settings')
