package watch

import (
	"slices"
	"time"
)

// debounce gathers changes into batches: a batch is sent once no change
// has come for quiet, or once the first change of the batch is maxLag old,
// whichever is sooner. It closes out when in is closed, after sending
// what it holds, or at once when done is closed.
func debounce(in <-chan change, out chan<- Batch, done <-chan struct{}, quiet, maxLag time.Duration) {
	defer close(out)
	var (
		pending  = map[string]bool{}
		overflow bool
		timer    *time.Timer
		fire     <-chan time.Time
		deadline time.Time
	)
	flush := func() {
		if len(pending) == 0 && !overflow {
			return
		}
		b := Batch{Overflow: overflow}
		for p := range pending {
			b.Paths = append(b.Paths, p)
		}
		slices.Sort(b.Paths)
		clear(pending)
		overflow = false
		fire = nil
		select {
		case out <- b:
		case <-done:
		}
	}
	for {
		select {
		case c, ok := <-in:
			if !ok {
				flush()
				return
			}
			if c.overflow {
				overflow = true
			} else {
				pending[c.path] = true
			}
			now := time.Now()
			if fire == nil {
				deadline = now.Add(maxLag)
			}
			wait := min(quiet, deadline.Sub(now))
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			fire = timer.C
		case <-fire:
			flush()
		}
	}
}
