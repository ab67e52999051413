"""Two-bureau complaints: a second bureau with its own reply round.

Revision ID: 0022_second_bureau
Revises: 0021_duplicate_links
Create Date: 2026-12-01 18:00:00

Who assigned the second bureau, and why, is on the record (event ``second_bureau_assigned``), as is each of
its replies (``bureau_replied`` naming the bureau), so downgrading loses the current assignments, not history.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_second_bureau'
down_revision = '0021_duplicate_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'second_bureaus',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('bureau_id', sa.Integer(), nullable=False),
        sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reply_due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('first_replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['bureau_id'], ['bureaus.id'], name=op.f('fk_second_bureaus_bureau_id_bureaus')),
        sa.ForeignKeyConstraint(
            ['complaint_id'], ['complaints.id'], name=op.f('fk_second_bureaus_complaint_id_complaints')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_second_bureaus')),
        sa.UniqueConstraint('complaint_id', name=op.f('uq_second_bureaus_complaint_id')),
    )
    op.create_index('ix_second_bureaus_bureau_due', 'second_bureaus', ['bureau_id', 'reply_due_at', 'id'])


def downgrade():
    op.drop_index('ix_second_bureaus_bureau_due', table_name='second_bureaus')
    op.drop_table('second_bureaus')
