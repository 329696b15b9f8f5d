"""invoices: issuer settings, buyer details per order, issued invoices, number counters,
and a VAT rate per ticket type

Revision ID: c4e1a7b93f20
Revises: c3e7a91f5b20
Create Date: 2026-11-29 17:00:00

Existing ticket types get 23 % (the standard rate for conference admission in Poland).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e1a7b93f20'
down_revision = 'c3e7a91f5b20'
branch_labels = None
depends_on = None

KIND = sa.Enum('proforma', 'vat', 'correction', name='invoicekind', native_enum=False,
               length=14)


def upgrade():
    with op.batch_alter_table('ticket_type') as batch:
        batch.add_column(sa.Column('vat_rate', sa.String(length=3), nullable=False,
                                   server_default='23'))
    op.create_table(
        'invoice_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('legal_name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=400), nullable=False),
        sa.Column('nip', sa.String(length=10), nullable=False),
        sa.Column('place_of_issue', sa.String(length=100), nullable=False),
        sa.Column('vat_pattern', sa.String(length=60), nullable=False),
        sa.Column('proforma_pattern', sa.String(length=60), nullable=False),
        sa.Column('correction_pattern', sa.String(length=60), nullable=False),
        sa.Column('reverse_charge_eu', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'billing_details',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=400), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('tax_id', sa.String(length=30), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('wants_proforma', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['payment_order.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('order_id'),
    )
    op.create_table(
        'invoice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('issuer_key', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=80), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('sale_date', sa.Date(), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('buyer_name', sa.String(length=200), nullable=False),
        sa.Column('net_total', sa.Numeric(12, 2), nullable=False),
        sa.Column('vat_total', sa.Numeric(12, 2), nullable=False),
        sa.Column('gross_total', sa.Numeric(12, 2), nullable=False),
        sa.Column('corrected_invoice_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_id'], ['payment_order.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['corrected_invoice_id'], ['invoice.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer_key', 'kind', 'year', 'seq', name='uq_invoice_number'),
    )
    with op.batch_alter_table('invoice') as batch:
        batch.create_index('ix_invoice_event_id', ['event_id'])
        batch.create_index('ix_invoice_order_id', ['order_id'])
        batch.create_index('ix_invoice_issued_on', ['issued_on'])
    op.create_table(
        'invoice_counter',
        sa.Column('issuer_key', sa.String(length=20), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('issuer_key', 'kind', 'year'),
    )


def downgrade():
    op.drop_table('invoice_counter')
    with op.batch_alter_table('invoice') as batch:
        batch.drop_index('ix_invoice_issued_on')
        batch.drop_index('ix_invoice_order_id')
        batch.drop_index('ix_invoice_event_id')
    op.drop_table('invoice')
    op.drop_table('billing_details')
    op.drop_table('invoice_settings')
    with op.batch_alter_table('ticket_type') as batch:
        batch.drop_column('vat_rate')
