"""sign-in failures: the console's cap on wrong tokens, shared by every worker

The console took any number of wrong tokens. Each wrong one is now a row (the address
hashed); after too many from one address within the window, sign-in is refused for a while
on every worker. Rows older than the window and the lock are purged as new ones come.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 15:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sign_in_failures_address', 'sign_in_failures', ['address'])
    op.create_index('ix_sign_in_failures_created_at', 'sign_in_failures', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_sign_in_failures_created_at', table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_address', table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
