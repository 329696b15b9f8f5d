"""office: the event's language; registrations on free tickets are never unpaid

Revision ID: 7d1e5a0c4b21
Revises: 7c1e5a9d2b40
Create Date: 2026-11-29 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d1e5a0c4b21'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='pl',
                                      nullable=False))
    # A ticket that costs nothing owes nothing: speakers and guests on free tickets were
    # left "unpaid", which a door refusing unpaid registrations would turn away.
    op.execute(
        "UPDATE registration SET payment_status = 'waived' WHERE payment_status = 'unpaid' "
        "AND ticket_type_id IN (SELECT id FROM ticket_type WHERE price = 0)"
    )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('language')
