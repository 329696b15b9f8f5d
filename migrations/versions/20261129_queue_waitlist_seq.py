"""queue: waiting-list numbers taken under the seat lock (commit order)

Revision ID: 7c1e5a9d2b40
Revises: 3022ea9669d4
Create Date: 2026-11-29 13:00:00

Registrations already on a waiting list get numbers in the order the list had until now
(when their state changed, then id), and each event's counter continues after them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = '3022ea9669d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_counter', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_seq', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_registration_waitlist_seq',
                                          ['event_id', 'waitlist_seq'])

    connection = op.get_bind()
    registration = sa.table('registration', sa.column('id', sa.Integer),
                            sa.column('event_id', sa.Integer), sa.column('state', sa.String),
                            sa.column('state_changed_at', sa.DateTime),
                            sa.column('waitlist_seq', sa.Integer))
    event = sa.table('event', sa.column('id', sa.Integer),
                     sa.column('waitlist_counter', sa.Integer))
    waiting = connection.execute(
        sa.select(registration.c.id, registration.c.event_id)
        .where(registration.c.state == 'waitlisted')
        .order_by(registration.c.event_id, registration.c.state_changed_at, registration.c.id)
    ).all()
    counters: dict[int, int] = {}
    for registration_id, event_id in waiting:
        counters[event_id] = counters.get(event_id, 0) + 1
        connection.execute(registration.update().where(registration.c.id == registration_id)
                           .values(waitlist_seq=counters[event_id]))
    for event_id, last in counters.items():
        connection.execute(event.update().where(event.c.id == event_id)
                           .values(waitlist_counter=last))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registration_waitlist_seq', type_='unique')
        batch_op.drop_column('waitlist_seq')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('waitlist_counter')
