"""Retraining runs of the triage desk: state and progress, so "Retrain now" runs as a job the desk can follow.

Revision ID: 0013_desk_history
Revises: 0012_record_tiles
Create Date: 2026-12-01 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_desk_history'
down_revision = '0012_record_tiles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('triage_training_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'finished', 'failed', name='training_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress', sa.String(length=200), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_users.id'], name=op.f('fk_triage_training_runs_requested_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triage_training_runs'))
    )


def downgrade():
    op.drop_table('triage_training_runs')
