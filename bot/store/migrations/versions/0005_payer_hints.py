"""payer hints: a payer's last policy topic and story, shared by every worker

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payer_hints',
        sa.Column('openid', sa.String(length=128), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('openid', 'kind'),
    )
    op.create_index('ix_payer_hints_until', 'payer_hints', ['until'])


def downgrade() -> None:
    op.drop_index('ix_payer_hints_until', table_name='payer_hints')
    op.drop_table('payer_hints')
