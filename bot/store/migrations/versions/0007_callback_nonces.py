"""callback nonces: the plaintext-mode replay check shared by every worker

A plaintext callback's signature covers only token, timestamp and nonce. Each worker
remembered the body a (timestamp, nonce) came with, but a replay with another body that
reached another worker (``--workers N``) passed. Written in the same group commit as the
message's claim; purged with the message ids.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'callback_nonces',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_callback_nonces_created_at', 'callback_nonces', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_callback_nonces_created_at', table_name='callback_nonces')
    op.drop_table('callback_nonces')
