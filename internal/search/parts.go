package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2/util"
)

// Bleve's offline builder writes an index of one segment, which it merges
// from its batches' segments on one goroutine, and has no way to write
// more: Build runs a builder per segment, and joinParts makes the first
// segment's index list the others too. A scorch index of
// several segments is what any index Bleve updates holds, and reads as
// one: a search scores with the statistics of all its segments.
//
// An index's root.bolt lists its segments: under the snapshot the
// builder writes (scorch's persister.go, prepareBoltSnapshot), a bucket
// per segment keyed by its number, whose path key names its file in the
// folder. The builder's snapshot holds nothing about a segment but its
// file's name (no deletions, no statistics), so the other parts' buckets
// need nothing more. joinParts writes them with Bleve's own bolt
// wrapper and keys (bleve/v2/util).

// maxSegments bounds the segments of a built index: a search looks each
// term up in every segment, and a segment's number is then a key of one
// byte, scorch's ascending uvarint of a small number (index/scorch/int.go:
// 136+n for n up to 109).
const maxSegments = 64

// segmentKey is the key of segment n (< maxSegments) in a snapshot.
func segmentKey(n int) []byte { return []byte{136 + byte(n)} }

// indexStore is where an index keeps its scorch files (Bleve's
// indexStorePath).
func indexStore(dir string) string { return filepath.Join(dir, "store") }

// joinParts adds to the index in dir, which a builder wrote, the segment
// of each index (of one segment, which a builder wrote) in others, in
// order: their files move into dir.
func joinParts(dir string, others []string) (err error) {
	if len(others) == 0 {
		return nil
	}
	store := indexStore(dir)
	names := make([]string, len(others))
	for i, other := range others {
		zaps, err := filepath.Glob(filepath.Join(indexStore(other), "*.zap"))
		if err != nil {
			return err
		}
		if len(zaps) != 1 {
			return fmt.Errorf("part %s: %d segment files, want 1", other, len(zaps))
		}
		// The builder names its segment 2 (000000000002.zap); a part's
		// is 2 plus its number, as scorch names files, so that one
		// opening the index to write numbers new segments beyond them.
		names[i] = fmt.Sprintf("%012x.zap", 2+i+1)
		if err := os.Rename(zaps[0], filepath.Join(store, names[i])); err != nil {
			return err
		}
	}
	root, err := util.OpenBolt(filepath.Join(store, "root.bolt"), 0o600, nil)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, root.Close()) }()
	return root.Update(func(tx *util.BoltTxImpl) error {
		snapshots := tx.Bucket(util.BoltSnapshotsBucket)
		if snapshots == nil {
			return errors.New("root.bolt holds no snapshot")
		}
		epoch, _ := snapshots.Cursor().First()
		snapshot := snapshots.GetBucket(epoch)
		if snapshot == nil || snapshot.GetBucket(segmentKey(0)) == nil {
			return errors.New("root.bolt holds no snapshot of one segment")
		}
		for i, name := range names {
			seg, err := snapshot.CreateBucketIfNotExists(segmentKey(i + 1))
			if err != nil {
				return err
			}
			if err := seg.Put(util.BoltPathKey, []byte(name), nil); err != nil {
				return err
			}
		}
		return nil
	})
}
