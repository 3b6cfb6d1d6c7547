package site

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// yamlMemoryLimit is the address-space limit of the child process that
// parses hostile YAML: a parser that blows up dies there, not the machine.
const yamlMemoryLimit = 2 << 30

// Per input, at most the size caps allow: the budget the README states.
const (
	yamlAllocBudget = 50 << 20
	yamlCPUBudget   = time.Second
)

// hostileYAML is front matter (or kb.yaml) that used to cost gigabytes
// (security review F3), and the worst that the budgets let through.
func hostileYAML() []struct{ desc, front, config, want string } {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	indented := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", i) + "k:\n")
		}
		return b.String()
	}
	wide := func(depth, size int) string {
		items := strings.Repeat("word, ", size/6)
		return strings.Repeat("[", depth) + items + "x" + strings.Repeat("]", depth)
	}
	laughs := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		name := string(rune('b' + i))
		laughs += fmt.Sprintf("%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	return []struct{ desc, front, config, want string }{
		{desc: "50,000 nested brackets (100 KB)", front: "title: Deep\nparams: {x: " + nest(50000) + "}\n", want: "too large"},
		{desc: "200,000 nested brackets (400 KB)", front: "title: Deep\nparams: {x: " + nest(200000) + "}\n", want: "too large"},
		{desc: "15,000 nested brackets (30 KB)", front: "title: Deep\nparams: {x: " + nest(15000) + "}\n", want: "nested too deeply"},
		{desc: "nested brackets in kb.yaml (250 KB)", config: "title: Deep\nparams: {x: " + nest(125000) + "}\n", want: "YAML is too large"},
		{desc: "nested brackets in kb.yaml (30 KB)", config: "title: Deep\nparams: {x: " + nest(15000) + "}\n", want: "nested too deeply"},
		{desc: "15,000 block sequences", front: "title: Deep\nparams:\n  x:\n    " + strings.Repeat("- ", 15000) + "a\n", want: "nested too deeply"},
		{desc: "indentation 240 levels deep", front: "title: Deep\nparams:\n" + indented(240), want: "nested too deeply"},
		{desc: "the widest allowed front matter, 60 levels deep", front: "title: Wide\nparams: {x: " + wide(60, 30<<10) + "}\n"},
		{desc: "the widest allowed kb.yaml, 60 levels deep", config: "title: Wide\nparams: {x: " + wide(60, 30<<10) + "}\n"},
		{desc: "the most keys allowed", front: "title: Keys\nparams:\n" + strings.Repeat("  k: v\n", 30<<10/7)[:30<<10-21] + "  k: v\n", want: "is given twice"},
		{desc: "the most flow mappings allowed", front: "title: Maps\nparams: {x: [" + strings.Repeat("{a: 1}, ", 30<<10/8) + "{}]}\n"},
		{desc: "a billion laughs", front: "title: Laughs\nparams:\n  " + strings.ReplaceAll(laughs, "\n", "\n  ") + "\n"},
		{desc: "a billion laughs in kb.yaml", config: "title: Laughs\nparams:\n  " + strings.ReplaceAll(laughs, "\n", "\n  ") + "\n"},
	}
}

// TestHostileYAMLBudget parses each hostile input in a child process
// limited to yamlMemoryLimit of address space, and fails if the child
// crashes or an input costs more than its allocation or CPU budget.
func TestHostileYAMLBudget(t *testing.T) {
	if os.Getenv("KB_YAML_CHILD") != "" {
		hostileYAMLChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileYAMLBudget$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "KB_YAML_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child parsing hostile YAML failed (%v):\n%s", err, out)
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		if strings.Contains(line, "cost") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

func hostileYAMLChild(t *testing.T) {
	limit := &syscall.Rlimit{Cur: yamlMemoryLimit, Max: yamlMemoryLimit}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, limit); err != nil {
		t.Fatalf("setting the memory limit: %v", err)
	}
	for _, tt := range hostileYAML() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu := cpuTime(t)
		var msg string
		if tt.front != "" {
			_, probs := Parse("content/a.md", []byte("---\n"+tt.front+"---\nBody\n"))
			msg = probs.Error()
		} else {
			_, probs := ParseConfig([]byte(tt.config))
			msg = probs.Error()
		}
		spent := cpuTime(t) - cpu
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: cost %v CPU, %d MB allocated: %.80s", tt.desc, spent.Round(time.Millisecond), alloc>>20, msg)
		if tt.want != "" && !strings.Contains(msg, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.desc, msg, tt.want)
		}
		if tt.want == "" && strings.Contains(msg, "too") {
			t.Errorf("%s: refused: %s", tt.desc, msg)
		}
		if alloc > yamlAllocBudget {
			t.Errorf("%s: %d MB allocated, over the %d MB budget", tt.desc, alloc>>20, yamlAllocBudget>>20)
		}
		if spent > yamlCPUBudget*raceSlowdown {
			t.Errorf("%s: %v of CPU, over the %v budget", tt.desc, spent, yamlCPUBudget*raceSlowdown)
		}
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
