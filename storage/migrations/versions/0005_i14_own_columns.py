"""own columns and kept imports: a ledger's columns as in its file, each item's other cells, uploaded files

Revision ID: 0005_i14
Revises: 0004_i17
Create Date: 2026-12-02 00:15:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_i14'
down_revision = '0004_i17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledgers') as batch:
        batch.add_column(sa.Column('columns', sa.JSON(), nullable=True))
    with op.batch_alter_table('items') as batch:
        batch.add_column(sa.Column('extra', sa.JSON(), nullable=True))
    op.create_table(
        'ledger_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('ledger', sa.String(length=200), nullable=True),
        sa.Column('period', sa.String(length=7), nullable=True),
        sa.Column('submission_ids', sa.JSON(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_ledger_imports_state', 'ledger_imports', ['state'])
    op.create_index('ix_ledger_imports_ledger', 'ledger_imports', ['ledger'])


def downgrade() -> None:
    op.drop_index('ix_ledger_imports_ledger', 'ledger_imports')
    op.drop_index('ix_ledger_imports_state', 'ledger_imports')
    op.drop_table('ledger_imports')
    with op.batch_alter_table('items') as batch:
        batch.drop_column('extra')
    with op.batch_alter_table('ledgers') as batch:
        batch.drop_column('columns')
