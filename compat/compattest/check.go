// Package compattest checks JSON against the documented response shapes of
// the hosted APIs ipintel is compatible with (VectraIP, VPN Signal, Datpaq).
//
// For each API it holds the JSON paths the provider's public documentation
// shows, with their types and ranges and the page and section each comes
// from (Path.Doc), the documented example responses (Examples), and Check,
// which tests a body against the paths. The tables are typed in from the
// providers' pages, not derived from ipintel's structs, so a test that uses
// them checks a server or client against the documentation, not against
// itself: a server that claims to speak one of these APIs can run its
// answers through Check in its own tests, as ipintel's do.
package compattest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Type is a documented JSON type.
type Type int

// Documented types.
const (
	String Type = iota + 1
	Int         // an integer
	Number      // any number
	Bool
	Object
	Array
	ISOTime // an ISO 8601 (RFC 3339) time string
)

func (t Type) String() string {
	return [...]string{"?", "string", "int", "number", "bool", "object", "array", "ISO 8601 time"}[t]
}

// Path is one documented field.
type Path struct {
	// Path is dotted; "[]" after a name means every element of that array:
	// "results[].query.ip", "meta.data_sources[]".
	Path string
	Type Type
	// Null: the documentation allows null ("string | null", "may be
	// null"). The fields under a null object are not checked.
	Null bool
	// Min and Max bound an Int when Max > Min.
	Min, Max int
	// Enum lists the documented values of a String, when it lists them.
	Enum []string
	// Prose: the page names the field only in prose (or shows it in no
	// example), so its JSON name is inferred; a documented example may
	// lack it. Our own output must still have it.
	Prose bool
	// Doc says where the provider's public documentation shows the path:
	// the page and its section, such as
	// `VectraIP API docs, "Response: risk" table`.
	Doc string
}

// Mode says how strictly to check.
type Mode int

const (
	// Strict: every path must be present (our own output).
	Strict Mode = iota
	// PresentOnly: a path the documented example lacks is not an error (the
	// pages' examples do not show every documented field); present paths
	// are checked.
	PresentOnly
)

// Check tests body against paths and returns one error per violation: a
// missing path (in Strict mode), a wrong type, a value out of range or not
// among the documented values.
func Check(body []byte, paths []Path, mode Mode) []error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return []error{fmt.Errorf("not JSON: %v", err)}
	}
	var errs []error
	for _, p := range paths {
		for _, v := range walk(root, p.Path) {
			if err := v.check(p, mode); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// found is one value at a path: where (concrete, with indexes) and what.
type found struct {
	at      string
	v       any
	present bool
}

// walk returns the values at path in root. A missing or null parent ends
// the walk: the parent's own Path entry reports it.
func walk(root any, path string) []found {
	cur := []found{{at: "", v: root, present: true}}
	for seg := range strings.SplitSeq(path, ".") {
		name, each := strings.CutSuffix(seg, "[]")
		var next []found
		for _, f := range cur {
			obj, ok := f.v.(map[string]any)
			if !ok {
				continue // a wrong-typed or null parent is reported at the parent
			}
			at := strings.TrimPrefix(f.at+"."+name, ".")
			v, present := obj[name]
			if !each || !present {
				next = append(next, found{at: at, v: v, present: present})
				continue
			}
			arr, ok := v.([]any)
			if !ok {
				next = append(next, found{at: at, v: v, present: true})
				continue
			}
			for i, e := range arr {
				next = append(next, found{at: fmt.Sprintf("%s[%d]", at, i), v: e, present: true})
			}
		}
		cur = next
	}
	return cur
}

func (f found) check(p Path, mode Mode) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s (%s, %s): %s", f.at, p.Type, p.Doc, fmt.Sprintf(format, args...))
	}
	if !f.present {
		if mode == PresentOnly {
			return nil
		}
		return fail("missing")
	}
	if f.v == nil {
		if p.Null {
			return nil
		}
		return fail("null, documented as never null")
	}
	switch p.Type {
	case String, ISOTime:
		s, ok := f.v.(string)
		if !ok {
			return fail("has JSON %T", f.v)
		}
		if p.Type == ISOTime {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return fail("%q is not an ISO 8601 time", s)
			}
		}
		if len(p.Enum) > 0 && !contains(p.Enum, s) {
			return fail("%q is not one of %v", s, p.Enum)
		}
	case Int, Number:
		n, ok := f.v.(json.Number)
		if !ok {
			return fail("has JSON %T", f.v)
		}
		if p.Type == Number {
			return nil
		}
		i, err := n.Int64()
		if err != nil {
			return fail("%s is not an integer", n)
		}
		if p.Max > p.Min && (i < int64(p.Min) || i > int64(p.Max)) {
			return fail("%d is outside %d–%d", i, p.Min, p.Max)
		}
	case Bool:
		if _, ok := f.v.(bool); !ok {
			return fail("has JSON %T", f.v)
		}
	case Object:
		if _, ok := f.v.(map[string]any); !ok {
			return fail("has JSON %T", f.v)
		}
	case Array:
		if _, ok := f.v.([]any); !ok {
			return fail("has JSON %T", f.v)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// under prefixes every path with prefix ("results[]."), for a shape
// documented as an element of another.
func under(prefix string, paths []Path) []Path {
	out := make([]Path, len(paths))
	for i, p := range paths {
		p.Path = prefix + p.Path
		out[i] = p
	}
	return out
}

// Preserved checks that every value in orig is also in got, at the same
// path and equal (numbers compared by value): got is what a client read
// from orig and wrote back, so nothing documented was lost or changed.
// Fields got adds are not checked.
func Preserved(orig, got []byte) []error {
	var a, b any
	for _, x := range []struct {
		body []byte
		v    *any
	}{{orig, &a}, {got, &b}} {
		dec := json.NewDecoder(bytes.NewReader(x.body))
		dec.UseNumber()
		if err := dec.Decode(x.v); err != nil {
			return []error{fmt.Errorf("not JSON: %v", err)}
		}
	}
	var errs []error
	subset("", a, b, &errs)
	return errs
}

func subset(at string, a, b any, errs *[]error) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*errs = append(*errs, fmt.Errorf("%s: object became %T", at, b))
			return
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok {
				*errs = append(*errs, fmt.Errorf("%s: lost", strings.TrimPrefix(at+"."+k, ".")))
				continue
			}
			subset(strings.TrimPrefix(at+"."+k, "."), v, w, errs)
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(bv) != len(av) {
			*errs = append(*errs, fmt.Errorf("%s: array changed", at))
			return
		}
		for i := range av {
			subset(fmt.Sprintf("%s[%d]", at, i), av[i], bv[i], errs)
		}
	case json.Number:
		bn, ok := b.(json.Number)
		x, _ := av.Float64()
		y, _ := bn.Float64()
		if !ok || x != y {
			*errs = append(*errs, fmt.Errorf("%s: %v became %v", at, a, b))
		}
	default:
		if a != b {
			*errs = append(*errs, fmt.Errorf("%s: %v became %v", at, a, b))
		}
	}
}

// Documented returns the paths that are not Prose: the ones a page shows
// in an example or a field table.
func Documented(paths []Path) []Path {
	var out []Path
	for _, p := range paths {
		if !p.Prose {
			out = append(out, p)
		}
	}
	return out
}
