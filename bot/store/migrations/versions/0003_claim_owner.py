"""claim owner: which process holds a message claim, so a live one is never taken over

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_messages', schema=None) as batch_op:
        batch_op.drop_column('owner')
