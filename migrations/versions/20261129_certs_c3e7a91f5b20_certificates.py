"""certs: certificates of attendance and their per-event settings

Revision ID: c3e7a91f5b20
Revises: be4ebb1f944c
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e7a91f5b20'
down_revision = 'be4ebb1f944c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('signer_name', sa.String(length=200), nullable=False),
        sa.Column('signer_role', sa.Text(), nullable=False),
        sa.Column('signature_filename', sa.String(length=200), nullable=True),
        sa.Column('logo_filename', sa.String(length=200), nullable=True),
        sa.Column('rule', sa.Enum('checked_in', 'days', 'sessions', name='releaserule',
                                  native_enum=False, length=14), nullable=False),
        sa.Column('rule_minimum', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_certificate_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_certificate_settings_event_id')),
    )
    op.create_table(
        'certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoke_reason', sa.String(length=500), nullable=False),
        sa.Column('full_name', sa.String(length=210), nullable=False),
        sa.Column('organization', sa.String(length=200), nullable=False),
        sa.Column('days', sa.JSON(), nullable=False),
        sa.Column('sessions', sa.JSON(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_certificate_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                                name=op.f('fk_certificate_registration_id_registration'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
        sa.UniqueConstraint('public_id', name=op.f('uq_certificate_public_id')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_certificate_registration_id')),
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_event_id'))
    op.drop_table('certificate')
    op.drop_table('certificate_settings')
