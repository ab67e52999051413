"""Indexes the paged lists use: Open311's requests by date, the bureau desk by deadline, the liaison desk by
body and deadline, the triage queue's pending misconduct reviews; the sweep's partial index of the cases with a pending deadline; and the table of the
accountability figures the refresh job keeps (filled by its first run: until then the board counts on request).

Revision ID: 0014_scale_indexes
Revises: 0013_desk_history
Create Date: 2026-12-01 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_scale_indexes'
down_revision = '0013_desk_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accountability_rows',
        sa.Column('unit_kind', sa.String(length=8), nullable=False),
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('median_days', sa.Float(), nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('unit_kind', 'unit_id', name=op.f('pk_accountability_rows')),
    )
    op.create_index('ix_complaints_created_at', 'complaints', ['created_at', 'id'])
    op.create_index('ix_complaints_bureau_due', 'complaints', ['bureau_id', 'reply_due_at', 'id'])
    op.create_index('ix_escalation_cases_body_due', 'escalation_cases', ['body_id', 'due_at', 'id'])
    op.create_index(
        'ix_triage_assessments_pending',
        'triage_assessments',
        ['created_at', 'id'],
        postgresql_where=sa.text("misconduct_review = 'pending'"),
        sqlite_where=sa.text("misconduct_review = 'pending'"),
    )
    op.create_index(
        'ix_escalation_cases_due',
        'escalation_cases',
        ['due_at', 'id'],
        postgresql_where=sa.text('due_at IS NOT NULL'),
        sqlite_where=sa.text('due_at IS NOT NULL'),
    )


def downgrade():
    op.drop_table('accountability_rows')
    op.drop_index('ix_escalation_cases_due', table_name='escalation_cases')
    op.drop_index('ix_triage_assessments_pending', table_name='triage_assessments')
    op.drop_index('ix_escalation_cases_body_due', table_name='escalation_cases')
    op.drop_index('ix_complaints_bureau_due', table_name='complaints')
    op.drop_index('ix_complaints_created_at', table_name='complaints')
