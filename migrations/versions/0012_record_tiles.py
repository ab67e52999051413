"""The record's stored tree (C2SP tlog-tiles): hash tiles and entry bundles; checkpoints and their witnesses;
sealed private entries.

The hash tiles of an existing log are built here from the stored leaf hashes (SHA-256 as RFC 6962 says, spelt
out so that this revision never changes with the code). Entry bundles are kept from the next whole bundle on
(ledger_state.bundles_from): earlier entries of private events hold what staff wrote privately, and a bundle
publishes every entry in full. The tree is dropped on the way down.

Revision ID: 0012_record_tiles
Revises: 0018_held_photos
Create Date: 2026-12-01 15:00:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_record_tiles'
down_revision = '0018_held_photos'
branch_labels = None
depends_on = None

TILE_WIDTH = 256


def _root(hashes):
    level = list(hashes)
    while len(level) > 1:
        level = [hashlib.sha256(b'\x01' + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def _tiles(leaf_hashes):
    tiles, level, hashes = [], 0, list(leaf_hashes)
    while hashes:
        parents = []
        for start in range(0, len(hashes), TILE_WIDTH):
            chunk = hashes[start:start + TILE_WIDTH]
            tiles.append({'level': level, 'tile_index': start // TILE_WIDTH, 'data': b''.join(chunk)})
            if len(chunk) == TILE_WIDTH:
                parents.append(_root(chunk))
        level += 1
        hashes = parents
    return tiles


def upgrade():
    record_tiles = op.create_table('record_tiles',
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tile_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'tile_index', name=op.f('pk_record_tiles'))
    )
    op.create_table('record_entry_bundles',
    sa.Column('bundle_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('bundle_index', name=op.f('pk_record_entry_bundles'))
    )
    op.create_table('record_witnesses',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('cosigned_size', sa.Integer(), nullable=True),
    sa.Column('cosigned_root', sa.String(length=64), nullable=True),
    sa.Column('cosigned_at', sa.BigInteger(), nullable=True),
    sa.Column('signature', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_record_witnesses'))
    )
    with op.batch_alter_table('ledger_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bundles_from', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('tree_heads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoint', sa.Text(), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.Boolean(), server_default='0', nullable=False))

    connection = op.get_bind()
    leaves = [
        bytes(row[0])
        for row in connection.execute(
            sa.text('SELECT leaf_hash FROM events WHERE seq IS NOT NULL ORDER BY seq')
        )
    ]
    if leaves:
        op.bulk_insert(record_tiles, _tiles(leaves))
    connection.execute(sa.text('UPDATE ledger_state SET bundles_from = :size'), {'size': len(leaves)})


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('sealed')
    with op.batch_alter_table('tree_heads', schema=None) as batch_op:
        batch_op.drop_column('checkpoint')
    with op.batch_alter_table('ledger_state', schema=None) as batch_op:
        batch_op.drop_column('bundles_from')
    op.drop_table('record_witnesses')
    op.drop_table('record_entry_bundles')
    op.drop_table('record_tiles')
