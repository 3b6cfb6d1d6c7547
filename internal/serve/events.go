package serve

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// event is one Server-Sent Event.
type event struct {
	name string
	data []byte // one line of JSON
}

// hub fans events out to the connected pages. Each Server owns one.
type hub struct {
	mu      sync.Mutex
	clients map[chan event]struct{}
	closed  bool
}

func newHub() *hub { return &hub{clients: map[chan event]struct{}{}} }

// subscribe registers a client; ok is false once the hub is closed.
func (h *hub) subscribe() (chan event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	c := make(chan event, 64)
	h.clients[c] = struct{}{}
	return c, true
}

func (h *hub) unsubscribe(c chan event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c)
	}
}

// send queues e for every client. A client too slow to take 64 events is
// dropped; its page reconnects and reloads.
func (h *hub) send(e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- e:
		default:
			delete(h.clients, c)
			close(c)
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		close(c)
	}
}

// heartbeat keeps idle streams open through proxies and finds dead ones.
const heartbeat = 15 * time.Second

// events streams events to one page: first the current problems, then
// whatever the hub sends, until the page goes or the server closes.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	c, ok := s.hub.subscribe()
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	s.mu.RLock()
	initial, _ := json.Marshal(s.problems)
	s.mu.RUnlock()
	write := func(e event) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		var err error
		if e.name == "" {
			_, err = w.Write([]byte(": ping\n\n"))
		} else {
			_, err = w.Write([]byte("event: " + e.name + "\ndata: " + string(e.data) + "\n\n"))
		}
		return err == nil && rc.Flush() == nil
	}
	if !write(event{name: "errors", data: initial}) {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-c:
			if !ok || !write(e) {
				return
			}
		case <-tick.C:
			if !write(event{}) {
				return
			}
		}
	}
}
