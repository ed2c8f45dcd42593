"""outbox lane index with sent_at: a rate or 48 h window reads only the rows sent in it

The lane index ended at status, so counting a group's posts of the last minute (the robot's
20 a minute) or a payer's notices of the last 48 h read every row ever sent to that target:
a cost that grew with the history of each group.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:00:00
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.create_index('ix_outbox_lane', ['channel', 'target', 'status', 'sent_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.create_index('ix_outbox_lane', ['channel', 'target', 'status'], unique=False)
