package markup

import (
	"errors"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// matchTimeout is how long a rule of a highlighting lexer may take to
// match: long enough never to cut short a match that ends, short enough
// to end one that backtracks without end.
//
// Chroma gives each rule 250 ms (RegexLexer.maybeCompile) and takes a
// rule that ran out of time for one that does not match (matchRules
// drops the error), so on a loaded machine the same code block came out
// highlighted differently (a 20k-page build at load 20, 2026-12-01), and
// kb's output must not depend on the machine's load.
const matchTimeout = 30 * time.Second

// patientLexers registers, once per process, in place of each of
// chroma's regular-expression lexers, one that gives its rules
// matchTimeout before its first use. Lexers are chroma's globals, and
// so is this; goldmark-highlighting, and lexers delegating to others by
// name, find them in its registry.
var patientLexers = sync.OnceFunc(func() {
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		if rl, ok := l.(*chroma.RegexLexer); ok {
			lexers.GlobalLexerRegistry.Register(&patientLexer{RegexLexer: rl})
		}
	}
})

// patientLexer is a RegexLexer whose rules get matchTimeout before it
// first tokenises.
type patientLexer struct {
	*chroma.RegexLexer
	once sync.Once
	err  error
}

func (l *patientLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	l.once.Do(func() { l.err = setMatchTimeout(l.RegexLexer, matchTimeout) })
	if l.err != nil {
		return nil, l.err
	}
	return l.RegexLexer.Tokenise(options, text)
}

// setMatchTimeout compiles rl's rules and sets their match timeout to d.
// Chroma sets it when it compiles them and offers no way to change it,
// so this reaches into the lexer; a chroma that no longer keeps its
// rules as it did fails here, and in the tests, rather than in silence.
func setMatchTimeout(rl *chroma.RegexLexer, d time.Duration) error {
	rules, err := compiledRules(rl)
	if err != nil {
		return err
	}
	for _, list := range rules {
		for _, r := range list {
			if r.Regexp != nil {
				r.Regexp.MatchTimeout = d
			}
		}
	}
	return nil
}

// compiledRules returns rl's compiled rules, compiling them first.
func compiledRules(rl *chroma.RegexLexer) (map[string][]*chroma.CompiledRule, error) {
	if _, err := rl.Tokenise(nil, ""); err != nil { // compiles the rules
		return nil, err
	}
	f := reflect.ValueOf(rl).Elem().FieldByName("rules")
	if !f.IsValid() || f.Type() != reflect.TypeFor[map[string][]*chroma.CompiledRule]() {
		return nil, errors.New("highlighting: chroma's RegexLexer no longer keeps its compiled rules in rules; see markup.setMatchTimeout")
	}
	return *(*map[string][]*chroma.CompiledRule)(unsafe.Pointer(f.UnsafeAddr())), nil
}
