"""Receipts kept sealed for a short window: reload-safe receipt pages and API Idempotency-Key answers.

Revision ID: 0017_receipt_copies
Revises: 0016_notifications_feedback
Create Date: 2026-12-01 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_receipt_copies'
down_revision = '0016_notifications_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receipt_copies',
    sa.Column('handle', sa.String(length=64), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=True),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('handle', name=op.f('pk_receipt_copies'))
    )
    with op.batch_alter_table('receipt_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_copies_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('receipt_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_copies_expires_at'))
    op.drop_table('receipt_copies')
