package search

import (
	"bytes"
	"context"
	"hash"
	"runtime"
	"sync"

	// klauspost/compress's gzip writes the same format as compress/gzip
	// (the client reads it with DecompressionStream) many times faster:
	// on the 10k-page corpus the export's compression took 45 s of CPU
	// with compress/gzip and takes about 4 s with it, for files 0.3 %
	// larger (shards) to 1 % smaller (document chunks). Its output depends
	// only on the input and the level, as the determinism contract needs.
	"github.com/klauspost/compress/gzip"
)

// The compression levels of the export's files: the best for the small
// files a query fetches several of (meta, citations, document chunks),
// where it costs little; level 6 for the large shards and positions, where
// the best took 20 times as long to save 1 to 10 % (the package's default,
// 5, makes shards 1.2 % larger than 6 for 15 % less time).
const (
	packBest    = gzip.BestCompression
	packDefault = 6
)

// packer compresses an export's files on every core and writes them in
// the order they were given, hashing each (name and compressed bytes) in
// that order, so the output and its hash do not depend on scheduling.
type packer struct {
	ctx   context.Context
	write func(name string, data []byte) error
	hash  hash.Hash

	work  chan *packJob // to the compressing workers
	queue chan *packJob // to the writer, in order
	done  chan struct{} // closed when the writer has written all

	closing sync.Once
	mu      sync.Mutex
	err     error // the first error, which stops the writing
	stats   ExportStats
}

type packJob struct {
	name  string
	raw   []byte
	level int
	data  []byte
	err   error
	ready chan struct{} // closed once data or err is set
}

func newPacker(ctx context.Context, write func(name string, data []byte) error, h hash.Hash) *packer {
	workers := runtime.GOMAXPROCS(0)
	p := &packer{ctx: ctx, write: write, hash: h,
		work: make(chan *packJob), queue: make(chan *packJob, 4*workers), done: make(chan struct{})}
	for range workers {
		go p.compress()
	}
	go p.writeAll()
	return p
}

// compress is a worker: it compresses the jobs it takes, reusing one
// writer per level (a new one allocates about a megabyte).
func (p *packer) compress() {
	writers := map[int]*gzip.Writer{}
	for j := range p.work {
		var b bytes.Buffer
		b.Grow(len(j.raw)/3 + 64)
		w := writers[j.level]
		if w == nil {
			w, j.err = gzip.NewWriterLevel(&b, j.level)
			writers[j.level] = w
		} else {
			w.Reset(&b)
		}
		if j.err == nil {
			_, j.err = w.Write(j.raw)
		}
		if j.err == nil {
			j.err = w.Close()
		}
		j.data, j.raw = b.Bytes(), nil
		close(j.ready)
	}
}

// writeAll writes the jobs in the order they were given, until the first
// error.
func (p *packer) writeAll() {
	defer close(p.done)
	for j := range p.queue {
		<-j.ready
		if p.failed() != nil {
			continue // drain, so that add never blocks
		}
		err := j.err
		if err == nil {
			err = p.ctx.Err()
		}
		if err == nil {
			err = p.write(j.name, j.data)
		}
		p.mu.Lock()
		if err != nil {
			p.err = err
		} else {
			p.hash.Write([]byte(j.name))
			p.hash.Write(j.data)
			p.stats.Files++
			p.stats.Bytes += int64(len(j.data))
		}
		p.mu.Unlock()
	}
}

func (p *packer) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// open returns why no file may be added: ctx's error, or a write's before.
func (p *packer) open() error {
	if err := p.ctx.Err(); err != nil {
		return err
	}
	return p.failed()
}

// add compresses raw at a level and writes it as name, after the files
// added before it. It returns an error of a write before, or ctx's.
func (p *packer) add(name string, raw []byte, level int) error {
	if err := p.open(); err != nil {
		return err
	}
	j := &packJob{name: name, raw: raw, level: level, ready: make(chan struct{})}
	p.queue <- j // first: the writer waits only for jobs handed to the workers
	p.work <- j
	return nil
}

// close waits for every file added to be written, and stops the workers.
// It may be called again.
func (p *packer) close() (ExportStats, error) {
	p.closing.Do(func() {
		close(p.work)
		close(p.queue)
	})
	<-p.done
	return p.stats, p.err
}

// pieceBytes is the size of the pieces a streamed file is compressed in.
const pieceBytes = 64 << 10

// streamed compresses files as they are made, one after another, on the
// caller's goroutine, with one compressor: a new one per file allocated
// about a megabyte, for each of the thousands of positions files of a
// large site.
type streamed struct {
	level int
	out   bytes.Buffer
	z     *gzip.Writer
	buf   []byte // the piece being made
	err   error
}

// newStreamed compresses files at a level.
func newStreamed(level int) *streamed { return &streamed{level: level} }

// begin begins a file, which it returns empty: append to it, hand it to
// flush when it is long, and to close at the end.
func (s *streamed) begin() []byte {
	s.out, s.err = bytes.Buffer{}, nil // the file before is its caller's
	if s.z == nil {
		s.z, s.err = gzip.NewWriterLevel(&s.out, s.level)
	} else {
		s.z.Reset(&s.out)
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, 2*pieceBytes)
	}
	return s.buf[:0]
}

// flush compresses b and returns it emptied.
func (s *streamed) flush(b []byte) []byte {
	if s.err == nil {
		_, s.err = s.z.Write(b)
	}
	return b[:0]
}

// close compresses the last of the file and returns the file.
func (s *streamed) close(b []byte) ([]byte, error) {
	s.buf = s.flush(b) // kept, however it grew
	if s.err == nil {
		s.err = s.z.Close()
	}
	return s.out.Bytes(), s.err
}

// addPacked writes data, compressed already, as name, after the files
// added before it.
func (p *packer) addPacked(name string, data []byte) error {
	if err := p.open(); err != nil {
		return err
	}
	j := &packJob{name: name, data: data, ready: make(chan struct{})}
	close(j.ready)
	p.queue <- j
	return nil
}

// gzipped compresses data deterministically (no name, no time in the
// header) at a compression level.
func gzipped(data []byte, level int) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
