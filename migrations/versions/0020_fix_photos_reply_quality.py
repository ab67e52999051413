"""Fix photos: a bureau's reply can carry photos, checked in public; every photo's perceptual hashes, by band.

Revision ID: 0020_fix_photos_reply_quality
Revises: 0014_scale_indexes
Create Date: 2026-12-01 15:20:00

Photos stored before this revision get no hashes (their originals could be hashed by a one-off job), so a fix
photo copying one of them is not recognised.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_fix_photos_reply_quality'
down_revision = '0014_scale_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fix_location', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fix_distance_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('fix_time', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('reused_photo_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reuse_bits', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photos_reply_event_id'), ['reply_event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photos_reply_event_id_events'), 'events', ['reply_event_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_photos_reused_photo_id_photos'), 'photos', ['reused_photo_id'], ['id'])
    op.create_table('photo_hashes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('b0', sa.Integer(), nullable=False),
    sa.Column('b1', sa.Integer(), nullable=False),
    sa.Column('b2', sa.Integer(), nullable=False),
    sa.Column('b3', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_photo_hashes_photo_id_photos')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_hashes'))
    )
    with op.batch_alter_table('photo_hashes', schema=None) as batch_op:
        for column in ('photo_id', 'b0', 'b1', 'b2', 'b3'):
            batch_op.create_index(batch_op.f(f'ix_photo_hashes_{column}'), [column], unique=False)


def downgrade():
    with op.batch_alter_table('photo_hashes', schema=None) as batch_op:
        for column in ('b3', 'b2', 'b1', 'b0', 'photo_id'):
            batch_op.drop_index(batch_op.f(f'ix_photo_hashes_{column}'))
    op.drop_table('photo_hashes')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photos_reused_photo_id_photos'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_photos_reply_event_id_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photos_reply_event_id'))
        batch_op.drop_column('reuse_bits')
        batch_op.drop_column('reused_photo_id')
        batch_op.drop_column('fix_time')
        batch_op.drop_column('fix_distance_m')
        batch_op.drop_column('fix_location')
        batch_op.drop_column('reply_event_id')
